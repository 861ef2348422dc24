package io.mailgateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import io.mailgateway.support.GatewayTestSupport;
import io.mailgateway.support.TestSecrets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The support console in headless Chromium (Debian's chromium and chromium-driver): sign in, filter, open a dead
 * letter, retry it after the clinic fixed its password, and see the message arrive. A subject with a script in it
 * is shown as text.
 */
@Tag("e2e")
class SupportConsoleBrowserIT extends GatewayTestSupport {

    private static final String XSS_SUBJECT = "<script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=2\">";
    private static WebDriver browser;

    @BeforeAll
    static void startChromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(System.getProperty("chromium.binary", "/usr/bin/chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,900",
                "--disable-gpu");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(System.getProperty("chromedriver", "/usr/bin/chromedriver")).toFile())
                .build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stopChromium() {
        if (browser != null) {
            browser.quit();
        }
    }

    private WebDriverWait waitUpTo(int seconds) {
        // the console redraws the list on every load, so an element found a moment ago may be gone: look again
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(seconds));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    @Test
    void supportSignsInFiltersOpensRetriesAndTheMessageArrives() throws Exception {
        TestTenant clinic = newTenant();
        tenantSmtp(clinic, TestSecrets.WRONG_PASSWORD, true);
        String xssId = send(clinic, simpleMessage("patient@example.org", XSS_SUBJECT.replace("\"", "\\\"")));
        String reminderId = send(clinic, simpleMessage("anna@example.org", "Reminder: check-up on Friday"));
        awaitStatus(clinic, xssId, "DEAD_LETTERED");
        awaitStatus(clinic, reminderId, "DEAD_LETTERED");
        String supportKey = newKey(newTenant().id(), "SUPPORT");

        // sign in: the key goes into the tab's session storage, never into a URL
        browser.get("http://127.0.0.1:" + port + "/support/");
        waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("api-key"))).sendKeys(supportKey);
        browser.findElement(By.cssSelector("#sign-in-form button")).click();
        waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("filters")));
        assertThat(browser.getCurrentUrl()).doesNotContain(supportKey);

        // filter by the clinic
        browser.findElement(By.id("f-tenant")).sendKeys(clinic.id());
        browser.findElement(By.id("apply-filters")).click();
        waitUpTo(10).until(d -> rows().size() == 2);
        assertThat(browser.findElement(By.id("counts")).getText()).contains("AUTH_FAILED").contains("2");
        assertThat(browser.findElement(By.id("page-info")).getText()).isEqualTo("1–2 of 2");

        // the script in the subject is text, and nothing ran
        WebElement xssRow = rows().stream().filter(r -> r.getText().contains("<script>")).findFirst().orElseThrow();
        assertThat(xssRow.findElement(By.cssSelector("td.subject")).getText()).isEqualTo(XSS_SUBJECT);
        assertThat(((JavascriptExecutor) browser).executeScript("return window.__pwned === undefined")).isEqualTo(true);
        screenshot("support-console-list.png");

        // open the reminder, fix the clinic's password, retry
        rows().stream().filter(r -> r.getText().contains("check-up")).findFirst().orElseThrow().click();
        waitUpTo(10).until(ExpectedConditions.textToBe(By.id("d-subject"), "Reminder: check-up on Friday"));
        assertThat(browser.findElement(By.id("d-hint")).getText()).contains("Type the password again");
        assertThat(browser.findElement(By.id("d-reply")).getText()).startsWith("535");
        screenshot("support-console-detail.png");
        tenantSmtp(clinic, TestSecrets.SMTP_PASSWORD, true);
        browser.findElement(By.id("retry")).click();
        waitUpTo(5).until(ExpectedConditions.alertIsPresent()).accept();
        waitUpTo(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("detail-message"), "Retry done."));
        assertThat(browser.findElement(By.id("d-summary")).getText()).contains("RETRIED");
        assertThat(browser.findElement(By.id("retry")).isEnabled()).isFalse();

        // the message arrives at the clinic's server
        awaitStatus(clinic, reminderId, "SENT");
        assertThat(received(TENANT_SMTP, clinic)).hasSize(1);
        assertThat(received(TENANT_SMTP, clinic)[0].getSubject()).isEqualTo("Reminder: check-up on Friday");

        // the audit trail shows it after a reload
        browser.findElement(By.id("back")).click();
        waitUpTo(10).until(d -> rows().size() == 1);
        browser.findElement(By.id("f-status")).sendKeys("RETRIED");
        browser.findElement(By.id("apply-filters")).click();
        waitUpTo(10).until(d -> rows().size() == 1 && rows().get(0).getText().contains("check-up"));
        rows().get(0).click();
        waitUpTo(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("d-audit"), "RETRY"));
        assertThat(((JavascriptExecutor) browser).executeScript("return window.__pwned === undefined")).isEqualTo(true);
    }

    private List<WebElement> rows() {
        return browser.findElements(By.cssSelector("#dead-letters tbody tr"));
    }

    private void screenshot(String name) throws Exception {
        Path file = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.createDirectories(Path.of("target"));
        Files.copy(file, Path.of("target", name), StandardCopyOption.REPLACE_EXISTING);
    }
}
