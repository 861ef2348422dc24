import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * Mail Gateway benchmark: the gateway end to end against a plain JavaMailSender loop and a reused-connection
 * JavaMail ceiling, on the same SMTP sink, in one run. Started by bench/run; see README "Performance".
 *
 * Arguments: jar smtpPort workDir threads measureSeconds
 */
public class Benchmark {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final String ADMIN = "bench-admin-key-4Fq9";
    static final String TEXT = "Dear patient, this is a reminder of your appointment. " + "x".repeat(1950);

    static String jar;
    static int smtpPort;
    static Path work;
    static int threads;
    static int seconds;
    static int port;
    /** smtp-sink's process id (bench/run passes it), for its CPU per message; 0: not measured */
    static long sinkPid;
    static final int WARMUP_MAX_SECONDS = 360;
    static final int OFFERED_ROUNDS = 3;

    public static void main(String[] args) throws Exception {
        jar = args[0];
        smtpPort = Integer.parseInt(args[1]);
        work = Path.of(args[2]);
        threads = Integer.parseInt(args[3]);
        seconds = Integer.parseInt(args[4]);
        sinkPid = args.length > 5 ? Long.parseLong(args[5]) : 0;
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("machine", Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name")
                + ", Java " + System.getProperty("java.version"));
        results.put("threads", threads);
        results.put("measureSeconds", seconds);

        // BENCH_ONLY=gateway skips the two plain JavaMail cases (for profiling runs; no ratios then)
        boolean gatewayOnly = "gateway".equals(System.getenv("BENCH_ONLY"));
        if (gatewayOnly) {
            Map<String, Object> none = Map.of("messages", 0, "perSecond", Double.NaN);
            results.put("baseline", none);
            results.put("ceiling", none);
        } else {
            results.put("baseline", javaMailSenderLoop());
            results.put("ceiling", reusedConnectionLoop());
        }
        Map<String, Object> gateway = gatewayEndToEnd();
        results.put("gateway", gateway);

        double g = ((Number) gateway.get("deliveredPerSecond")).doubleValue();
        double b = ((Number) ((Map<?, ?>) results.get("baseline")).get("perSecond")).doubleValue();
        double c = ((Number) ((Map<?, ?>) results.get("ceiling")).get("perSecond")).doubleValue();
        results.put("gatewayOverBaseline", round(g / b));
        results.put("gatewayOverCeiling", round(g / c));

        System.out.println();
        System.out.println("| case | result |");
        System.out.println("|---|---|");
        System.out.printf("| baseline: JavaMailSender.send, one connection per message, %d threads | %.0f msg/s |%n", threads, b);
        System.out.printf("| ceiling: JavaMail, one reused connection per thread, %d threads | %.0f msg/s |%n", threads, c);
        System.out.printf("| gateway end to end: accepted | %.0f msg/s |%n", gateway.get("acceptedPerSecond"));
        System.out.printf("| gateway end to end: delivered | %.0f msg/s |%n", g);
        System.out.printf("| gateway ÷ baseline | %.2f |%n", g / b);
        System.out.printf("| gateway ÷ ceiling | %.2f |%n", g / c);
        System.out.printf("| gateway CPU per message, intake and delivery (all threads, measured phase) | %s ms |%n",
                gateway.get("cpuMsPerMessage"));
        System.out.printf("| benchmark client CPU per request (same cores) | %s ms |%n", gateway.get("clientCpuMsPerRequest"));
        Map<?, ?> base = (Map<?, ?>) results.get("baseline");
        Map<?, ?> ceil = (Map<?, ?>) results.get("ceiling");
        System.out.printf("| whole machine's CPU busy while measured: baseline / ceiling / gateway | %s / %s / %s %% |%n",
                percent(base.get("machineBusy")), percent(ceil.get("machineBusy")), percent(gateway.get("machineBusy")));
        System.out.printf("| CPU per message of the loop's own process: baseline / ceiling | %s / %s ms |%n",
                orDash(base.get("cpuMsPerMessage")), orDash(ceil.get("cpuMsPerMessage")));
        System.out.printf("| smtp-sink's CPU per message: baseline / ceiling / gateway | %s / %s / %s ms |%n",
                orDash(base.get("sinkCpuMsPerMessage")), orDash(ceil.get("sinkCpuMsPerMessage")),
                orDash(gateway.get("sinkCpuMsPerMessage")));
        System.out.printf("| gateway CPU per request answered 401 before any database work (the HTTP stack alone) | %s ms (%s req/s) |%n",
                gateway.get("httpOnlyCpuMsPerRequest"), gateway.get("httpOnlyRequestsPerSecond"));
        System.out.printf("| gateway disk writes per message (H2 file and broker journal) | %s KB |%n", gateway.get("diskKbWrittenPerMessage"));
        System.out.printf("| intake latency at full speed p50 / p99 | %s / %s ms |%n", gateway.get("intakeP50Ms"), gateway.get("intakeP99Ms"));
        System.out.printf("| intake latency at 500 req/s offered p50 / p99 (%d rounds of 20 s; p99 of each) | %s / %s ms (%s) |%n",
                OFFERED_ROUNDS, gateway.get("offered500P50Ms"), gateway.get("offered500P99Ms"), gateway.get("offered500P99MsPerRound"));
        System.out.printf("| gateway CPU per message at 500 req/s offered (all threads, the three rounds) | %s ms |%n",
                gateway.get("offered500CpuMsPerMessage"));
        System.out.printf("| fairness: small clinic's delivery during a 20,000 backlog p50 / p99 | %s / %s ms |%n",
                gateway.get("fairnessBP50Ms"), gateway.get("fairnessBP99Ms"));
        System.out.printf("| gateway peak RSS / peak heap used | %s MB / %s MB |%n", gateway.get("peakRssMb"), gateway.get("peakHeapMb"));
        System.out.printf("| start-up of the embedded default (process start to ready) | %s s |%n", gateway.get("startupSeconds"));
        System.out.printf("| gateway warm-up before measuring (until the JIT settled) / JIT share while measured | %s s / %.0f %% |%n",
                gateway.get("warmupSeconds"), 100 * ((Number) gateway.get("jitShareMeasured")).doubleValue());

        Path out = gatewayOnly ? Path.of("target", "bench-gateway-only.json") : Path.of("bench", "results", "latest.json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, json(results) + "\n");
        System.out.println("\nwritten to " + out);
    }

    // ---- case 2: the baseline a user would write instead --------------------------------------------------
    static Map<String, Object> javaMailSenderLoop() throws Exception {
        JavaMailSenderImpl sender = new JavaMailSenderImpl();
        sender.setHost("127.0.0.1");
        sender.setPort(smtpPort);
        return loop("baseline", () -> {
            MimeMessage m = sender.createMimeMessage();
            fill(m);
            sender.send(m);
        }, false);
    }

    // ---- case 3: the ceiling ---------------------------------------------------------------------------------
    static Map<String, Object> reusedConnectionLoop() throws Exception {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(smtpPort));
        Session session = Session.getInstance(p);
        ThreadLocal<Transport> transports = ThreadLocal.withInitial(() -> {
            try {
                Transport t = session.getTransport("smtp");
                t.connect();
                return t;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        return loop("ceiling", () -> {
            MimeMessage m = new MimeMessage(session);
            fill(m);
            m.saveChanges();
            transports.get().sendMessage(m, m.getAllRecipients());
        }, false);
    }

    static void fill(MimeMessage m) throws Exception {
        m.setFrom(new InternetAddress("bench@clinic.example"));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress("patient@example.org"));
        m.setSubject("Reminder");
        m.setText(TEXT, "UTF-8");
    }

    interface Step {
        void run() throws Exception;
    }

    static Map<String, Object> loop(String name, Step step, boolean quiet) throws Exception {
        // warm-up by the same rule as the gateway's, in rounds of 5 s (this process's JIT), then the measured run
        double[] warmup = warmUp(ProcessHandle.current().pid(), () -> run(step, 5), null);
        Usage start = Usage.now(ProcessHandle.current().pid());
        long count = run(step, seconds);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("warmupSeconds", Math.round(warmup[0]));
        r.put("messages", count);
        r.put("perSecond", round((double) count / seconds));
        // the loop's own CPU: this process (its threads, JIT and GC included), which runs nothing else meanwhile
        Map<String, Object> usage = start.end(count);
        r.putAll(usage);
        System.out.printf("%s: %d messages in %d s = %.0f msg/s; %s%n", name, count, seconds, (double) count / seconds,
                Usage.describe(usage));
        return r;
    }

    static long run(Step step, int secs) throws Exception {
        LongAdder done = new LongAdder();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(secs);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            pool.submit(() -> {
                while (System.nanoTime() < end) {
                    step.run();
                    done.increment();
                }
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(secs + 60, TimeUnit.SECONDS);
        return done.sum();
    }

    // ---- case 1 and 4: the gateway --------------------------------------------------------------------------
    static Map<String, Object> gatewayEndToEnd() throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.createDirectories(work);
        // the heap the issue allows, and the young-generation setting of the Kubernetes deployment
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:MaxTenuringThreshold=2"));
        // BENCH_GATEWAY_OPTS: extra JVM options for the gateway, e.g. a JFR recording of the hottest path
        String extra = System.getenv("BENCH_GATEWAY_OPTS");
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        // BENCH_JFR=file: a JFR recording (profile settings) of the measured full-speed phase, written to that file.
        // It records from the start, keeping the last 60 s, and is dumped at the end of the phase: starting a
        // recording in a warmed-up process makes the JIT compile much of the code again
        String jfr = System.getenv("BENCH_JFR");
        if (jfr != null && !jfr.isBlank()) {
            command.addAll(List.of("-XX:FlightRecorderOptions:stackdepth=256",
                    "-XX:StartFlightRecording=settings=profile,maxage=60s,disk=true,name=bench"));
        }
        command.addAll(List.of("-jar", jar));
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve("gateway.log").toFile());
        Map<String, String> env = pb.environment();
        env.put("SPRING_PROFILES_ACTIVE", "prod");
        env.put("PORT", String.valueOf(port));
        env.put("GATEWAY_ADMIN_KEY", ADMIN);
        env.put("GATEWAY_ENCRYPTION_KEYS", "bench1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
        env.put("GATEWAY_RELAY_HOST", "127.0.0.1");
        env.put("GATEWAY_RELAY_PORT", String.valueOf(smtpPort));
        env.put("GATEWAY_RELAY_SECURITY", "NONE");
        env.put("LOGGING_LEVEL_IO_MAILGATEWAY", "WARN");
        long started = System.nanoTime();
        Process gateway = pb.start();
        try {
            while (!ready()) {
                if (!gateway.isAlive()) {
                    throw new IllegalStateException("the gateway exited: see " + work.resolve("gateway.log"));
                }
                Thread.sleep(100);
            }
            double startup = (System.nanoTime() - started) / 1e9;
            r.put("startupSeconds", round(startup));
            System.out.printf("gateway: ready %.1f s after process start%n", startup);
            AtomicLong peakHeapKb = new AtomicLong();
            heapSampler(gateway.pid(), peakHeapKb);

            String key = tenant("bench-north");
            // warm-up: full-speed rounds of 20 s, each drained, until the JIT has settled; then the measured seconds
            double[] warmup = warmUp(gateway.pid(), () -> {
                postFor(key, 20, new ConcurrentLinkedQueue<>(), new ConcurrentLinkedQueue<>());
                awaitDrained(key);
            }, "gateway");
            r.put("warmupSeconds", Math.round(warmup[0]));
            r.put("warmupJitShareLastRound", round(warmup[1]));
            long[] measureStart = cpuTicks(gateway.pid());
            Usage measured = Usage.now(gateway.pid());
            long clientTicksStart = processCpuTicks(ProcessHandle.current().pid());
            Map<String, Long> threadsStart = threadGroupTicks(gateway.pid());
            long writtenStart = bytesWritten(gateway.pid());
            ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
            long t0 = System.nanoTime();
            long accepted = postFor(key, seconds, latencies, ids);
            double acceptedPerSecond = (double) accepted / seconds;
            awaitAllSent(key, ids);
            double deliverSeconds = (System.nanoTime() - t0) / 1e9;
            if (jfr != null && !jfr.isBlank()) {
                new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        String.valueOf(gateway.pid()), "JFR.dump", "name=bench",
                        "filename=" + Path.of(jfr).toAbsolutePath()).inheritIO().start().waitFor();
            }
            r.put("accepted", accepted);
            r.put("acceptedPerSecond", round(acceptedPerSecond));
            r.put("deliveredPerSecond", round(accepted / deliverSeconds));
            r.put("intakeP50Ms", percentile(latencies, 50));
            r.put("intakeP99Ms", percentile(latencies, 99));
            r.put("jitShareMeasured", round(jitShare(measureStart, cpuTicks(gateway.pid()))));
            // the gateway's CPU (all its threads, /proc ticks of 10 ms) from the first request to the last SENT, per
            // message: intake and delivery together; steadier than msg/s from run to run on a busy machine
            // with the whole machine's busy share and the sink's CPU over the same phase
            Map<String, Object> usage = measured.end(accepted);
            double cpuMsPerMessage = ((Number) usage.get("cpuMsPerMessage")).doubleValue();
            r.put("cpuMsPerMessage", cpuMsPerMessage);
            r.put("machineBusy", usage.get("machineBusy"));
            r.put("sinkCpuMsPerMessage", usage.get("sinkCpuMsPerMessage"));
            System.out.println("gateway: " + Usage.describe(usage));
            // the load generator's own CPU (this process, until the last SENT) per request, on the same two cores
            double clientCpuMs = (processCpuTicks(ProcessHandle.current().pid()) - clientTicksStart) * 10.0 / accepted;
            r.put("clientCpuMsPerRequest", round(clientCpuMs));
            // the same CPU by thread group (threads that ended during the phase are missing)
            Map<String, Object> byThread = new LinkedHashMap<>();
            threadGroupTicks(gateway.pid()).entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), e.getValue() - threadsStart.getOrDefault(e.getKey(), 0L)))
                    .filter(e -> e.getValue() > 0)
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(e -> byThread.put(e.getKey(), round(e.getValue() * 10.0 / accepted)));
            r.put("cpuMsPerMessageByThread", byThread);
            // what the gateway wrote to disk (the H2 file and the broker journal) per message
            long writtenKb = (bytesWritten(gateway.pid()) - writtenStart) / 1024;
            r.put("diskKbWrittenPerMessage", round((double) writtenKb / accepted));
            System.out.printf("gateway: %.1f KB written to disk a message%n", (double) writtenKb / accepted);
            System.out.println("gateway: CPU ms a message by thread group: " + byThread);
            System.out.printf("gateway: accepted %d in %d s (%.0f/s), all SENT after %.1f s (%.0f/s), %.2f ms of CPU a message"
                    + " (the client: %.2f ms a request)%n",
                    accepted, seconds, acceptedPerSecond, deliverSeconds, accepted / deliverSeconds, cpuMsPerMessage,
                    clientCpuMs);

            // open loop: 500 requests a second, OFFERED_ROUNDS rounds of 20 s, each drained; every round's p99 and
            // the p50/p99 of all rounds' requests together (one 20 s window alone can be lucky or unlucky)
            ConcurrentLinkedQueue<Long> offered = new ConcurrentLinkedQueue<>();
            List<Double> roundP99 = new ArrayList<>();
            // the gateway's CPU per message at this rate (each round drained, so delivery is in it), all threads and by
            // thread group: where the full-speed figure shows large commit groups, this one shows small ones
            long offeredTicks = processCpuTicks(gateway.pid());
            Map<String, Long> offeredThreads = threadGroupTicks(gateway.pid());
            for (int round = 1; round <= OFFERED_ROUNDS; round++) {
                ConcurrentLinkedQueue<Long> thisRound = new ConcurrentLinkedQueue<>();
                openLoop(key, 500, 20, thisRound);
                awaitDrained(key);
                roundP99.add(percentile(thisRound, 99));
                offered.addAll(thisRound);
                System.out.printf("gateway: at 500 req/s offered, round %d: intake p50 %s ms, p99 %s ms%n", round,
                        percentile(thisRound, 50), percentile(thisRound, 99));
            }
            double offeredCpuMs = (processCpuTicks(gateway.pid()) - offeredTicks) * 10.0 / offered.size();
            Map<String, Object> offeredByThread = new LinkedHashMap<>();
            threadGroupTicks(gateway.pid()).entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), e.getValue() - offeredThreads.getOrDefault(e.getKey(), 0L)))
                    .filter(e -> e.getValue() * 10.0 / offered.size() >= 0.01)
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(e -> offeredByThread.put(e.getKey(), round(e.getValue() * 10.0 / offered.size())));
            r.put("offered500CpuMsPerMessage", round(offeredCpuMs));
            r.put("offered500CpuMsPerMessageByThread", offeredByThread);
            System.out.printf("gateway: at 500 req/s offered, %.2f ms of CPU a message; by thread group: %s%n",
                    offeredCpuMs, offeredByThread);
            r.put("offered500P50Ms", percentile(offered, 50));
            r.put("offered500P99Ms", percentile(offered, 99));
            r.put("offered500P99MsPerRound", roundP99);
            System.out.printf("gateway: at 500 req/s offered, all %d rounds: intake p50 %s ms, p99 %s ms%n", OFFERED_ROUNDS,
                    r.get("offered500P50Ms"), r.get("offered500P99Ms"));

            // the HTTP stack alone: the same requests without an API key, answered 401 before any database or broker
            // work (Tomcat, Spring MVC, Camel's platform-http, the route and its error handling); 10 s, then 20 s
            postFor("", 10, new ConcurrentLinkedQueue<>(), new ConcurrentLinkedQueue<>());
            ConcurrentLinkedQueue<Long> refused = new ConcurrentLinkedQueue<>();
            long floorTicks = processCpuTicks(gateway.pid());
            postFor("", 20, refused, new ConcurrentLinkedQueue<>());
            double floorMs = (processCpuTicks(gateway.pid()) - floorTicks) * 10.0 / refused.size();
            r.put("httpOnlyCpuMsPerRequest", round(floorMs));
            r.put("httpOnlyRequestsPerSecond", round(refused.size() / 20.0));
            System.out.printf("gateway: the HTTP stack alone (401, no database): %.0f req/s, %.2f ms of CPU a request%n",
                    refused.size() / 20.0, floorMs);

            // fairness: clinic A queues 20,000, then clinic B sends 10; B's time from accepted to SENT
            String a = tenant("bench-chain");
            String b = tenant("bench-small");
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            LongAdder aAccepted = new LongAdder();
            for (int t = 0; t < threads; t++) {
                pool.submit(() -> {
                    for (int i = 0; i < 20_000 / threads; i++) {
                        if (post(a) != null) {
                            aAccepted.increment();
                        }
                    }
                    return null;
                });
            }
            pool.shutdown();
            pool.awaitTermination(10, TimeUnit.MINUTES);
            List<Long> bLatency = new ArrayList<>();
            List<String[]> bIds = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                bIds.add(new String[] {post(b), String.valueOf(System.nanoTime())});
            }
            long aSentWhenBDone = 0;
            for (String[] sent : bIds) {
                long acceptedAt = Long.parseLong(sent[1]);
                while (!"SENT".equals(status(b, sent[0]))) {
                    Thread.sleep(20);
                }
                bLatency.add((System.nanoTime() - acceptedAt) / 1_000_000);
            }
            Collections.sort(bLatency);
            r.put("fairnessABacklog", aAccepted.sum());
            r.put("fairnessBP50Ms", bLatency.get(4));
            r.put("fairnessBP99Ms", bLatency.get(9));
            System.out.printf("fairness: A queued %d; B's 10 messages SENT after p50 %d ms, max %d ms%n", aAccepted.sum(),
                    bLatency.get(4), bLatency.get(9));
            awaitDrained(a);
            r.put("peakRssMb", peakRssKb(gateway.pid()) / 1024);
            r.put("peakHeapMb", peakHeapKb.get() / 1024);
        } finally {
            gateway.destroy();
            gateway.waitFor(60, TimeUnit.SECONDS);
        }
        return r;
    }

    static long postFor(String key, int secs, ConcurrentLinkedQueue<Long> latencies, ConcurrentLinkedQueue<String> ids)
            throws Exception {
        LongAdder accepted = new LongAdder();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(secs);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            pool.submit(() -> {
                while (System.nanoTime() < end) {
                    long s = System.nanoTime();
                    String id = post(key);
                    latencies.add((System.nanoTime() - s) / 1000);
                    if (id != null) {
                        ids.add(id);
                        accepted.increment();
                    }
                }
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(secs + 120, TimeUnit.SECONDS);
        return accepted.sum();
    }

    static void openLoop(String key, int perSecond, int secs, ConcurrentLinkedQueue<Long> latencies) throws Exception {
        ScheduledExecutorService ticker = Executors.newScheduledThreadPool(4);
        ExecutorService workers = Executors.newFixedThreadPool(64);
        long periodMicros = 1_000_000L / perSecond;
        var tick = ticker.scheduleAtFixedRate(() -> workers.submit(() -> {
            long s = System.nanoTime();
            post(key);
            latencies.add((System.nanoTime() - s) / 1000);
            return null;
        }), 0, periodMicros, TimeUnit.MICROSECONDS);
        Thread.sleep(secs * 1000L);
        tick.cancel(false);
        ticker.shutdown();
        workers.shutdown();
        workers.awaitTermination(60, TimeUnit.SECONDS);
    }

    static String post(String key) throws Exception {
        String body = "{\"to\":[\"patient@example.org\"],\"subject\":\"Reminder\",\"text\":\"" + TEXT + "\"}";
        String[] r = Http1.exchange("POST", "/api/v1/messages", key, body);
        if (!r[0].equals("202")) {
            return null;
        }
        Matcher m = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(r[1]);
        return m.find() ? m.group(1) : null;
    }

    static String status(String key, String id) throws Exception {
        String[] r = Http1.exchange("GET", "/api/v1/messages/" + id, key, null);
        Matcher m = Pattern.compile("\"status\":\"([^\"]+)\"").matcher(r[1]);
        return m.find() ? m.group(1) : null;
    }

    /**
     * The load generator's HTTP client: HTTP/1.1 with keep-alive, one connection per client thread, and as little
     * work as it takes to send a request and read its answer (status, Content-Length or chunked body). It shares the
     * two cores with the gateway and the sink, so its own CPU counts against the gateway: java.net.http.HttpClient
     * took about 0.4 ms of CPU a request here, this about a tenth of that (printed with the results).
     */
    static final class Http1 {
        private static final ThreadLocal<Http1> CONNECTION = new ThreadLocal<>();
        private final java.net.Socket socket;
        private final java.io.BufferedInputStream in;
        private final java.io.OutputStream out;

        private Http1() throws IOException {
            socket = new java.net.Socket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(120_000);
            in = new java.io.BufferedInputStream(socket.getInputStream(), 16384);
            out = new java.io.BufferedOutputStream(socket.getOutputStream(), 16384);
        }

        /** {status code, body}; reconnects when the server closed the connection (Tomcat: every 100 requests). */
        static String[] exchange(String method, String path, String key, String body) throws IOException {
            Http1 c = CONNECTION.get();
            boolean reused = c != null;
            if (c == null) {
                c = new Http1();
                CONNECTION.set(c);
            }
            try {
                return c.send(method, path, key, body);
            } catch (IOException e) {
                c.close();
                if (!reused) {
                    throw e;
                }
                // an idle connection the server had closed before this request reached it: once more, fresh
                c = new Http1();
                CONNECTION.set(c);
                return c.send(method, path, key, body);
            }
        }

        private String[] send(String method, String path, String key, String body) throws IOException {
            byte[] content = body == null ? new byte[0] : body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder(256).append(method).append(' ').append(path)
                    .append(" HTTP/1.1\r\nHost: 127.0.0.1:").append(port)
                    .append("\r\nAuthorization: Bearer ").append(key).append("\r\n");
            if (body != null) {
                head.append("Content-Type: application/json\r\nContent-Length: ").append(content.length).append("\r\n");
            }
            head.append("\r\n");
            out.write(head.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            out.write(content);
            out.flush();
            String statusLine = line();
            if (statusLine == null) {
                throw new java.io.EOFException("connection closed");
            }
            String code = statusLine.substring(9, 12);
            int length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String h = line(); h != null && !h.isEmpty(); h = line()) {
                String lower = h.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(h.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
                }
            }
            java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream(256);
            if (chunked) {
                for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
                        size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                    answer.write(in.readNBytes(size));
                    line();
                }
                for (String trailer = line(); trailer != null && !trailer.isEmpty(); trailer = line()) {
                    // no trailers are sent; read up to the blank line
                }
            } else if (length > 0) {
                answer.write(in.readNBytes(length));
            }
            if (close) {
                close();
                CONNECTION.remove();
            }
            return new String[] {code, answer.toString(java.nio.charset.StandardCharsets.UTF_8)};
        }

        private String line() throws IOException {
            StringBuilder b = new StringBuilder(64);
            int ch;
            while ((ch = in.read()) != -1) {
                if (ch == '\n') {
                    int n = b.length();
                    return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
                }
                b.append((char) ch);
            }
            return b.length() == 0 ? null : b.toString();
        }

        private void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** Waits until the last accepted messages are SENT: they were queued last, so everything before is done too. */
    static void awaitAllSent(String key, ConcurrentLinkedQueue<String> ids) throws Exception {
        List<String> all = new ArrayList<>(ids);
        List<String> last = all.subList(Math.max(0, all.size() - 200), all.size());
        for (String id : last) {
            while (!"SENT".equals(status(key, id))) {
                Thread.sleep(20);
            }
        }
    }

    static void awaitDrained(String key) throws Exception {
        String probe = post(key);
        while (!"SENT".equals(status(key, probe))) {
            Thread.sleep(50);
        }
    }

    static String tenant(String id) throws Exception {
        HttpResponse<String> t = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/tenants"))
                .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + id + "\",\"name\":\"" + id
                        + "\",\"loginEmail\":\"office@" + id + ".example\",\"fromAddress\":\"noreply@" + id + ".example\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (t.statusCode() != 201) {
            throw new IllegalStateException(t.body());
        }
        HttpResponse<String> k = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/tenants/" + id + "/api-keys"))
                .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"role\":\"SENDER\"}")).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("\"key\":\"([^\"]+)\"").matcher(k.body());
        m.find();
        return m.group(1);
    }

    static boolean ready() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /**
     * Runs warm-up rounds until the JIT has settled: its compiler threads used under 5 % of the process's CPU in the
     * last round (or WARMUP_MAX_SECONDS have passed). Returns {seconds taken, JIT share of the last round}; prints
     * each round when a name is given.
     */
    static double[] warmUp(long pid, Step round, String name) throws Exception {
        long start = System.nanoTime();
        double jitShare;
        do {
            long[] before = cpuTicks(pid);
            round.run();
            jitShare = jitShare(before, cpuTicks(pid));
            if (name != null) {
                System.out.printf("%s: warm-up %.0f s, JIT %.1f %% of the %s's CPU in the last round%n", name,
                        (System.nanoTime() - start) / 1e9, 100 * jitShare, name);
            }
        } while (jitShare > 0.05 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(WARMUP_MAX_SECONDS));
        return new double[] {(System.nanoTime() - start) / 1e9, jitShare};
    }

    /** {JIT compiler threads' CPU ticks, all the process's CPU ticks} from /proc (Linux). */
    static long[] cpuTicks(long pid) throws IOException {
        Map<String, Long> groups = threadGroupTicks(pid);
        long all = groups.values().stream().mapToLong(Long::longValue).sum();
        return new long[] {groups.getOrDefault("C# CompilerThre", 0L), all};
    }

    /**
     * CPU ticks of the process's live threads by group: the thread name with its numbers taken out (Tomcat's
     * request threads, Camel's consumers, Artemis' threads, the group-commit writer, GC, the JIT, ...).
     */
    static Map<String, Long> threadGroupTicks(long pid) throws IOException {
        Map<String, Long> groups = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim().replaceAll("[0-9]+", "#");
                    String stat = Files.readString(task.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    groups.merge(name.isEmpty() ? "(unnamed)" : name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
                } catch (IOException | RuntimeException threadEnded) {
                    // the thread ended between the listing and the read
                }
            }
        }
        return groups;
    }

    /** Bytes the process has caused to be written to storage ({@code write_bytes} of /proc/pid/io). */
    static long bytesWritten(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "io"))) {
                if (line.startsWith("write_bytes:")) {
                    return Long.parseLong(line.substring(12).trim());
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return 0;
    }

    /** User and system CPU ticks of the whole process, threads that ended included. */
    static long processCpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** {busy, all} CPU ticks of the whole machine, all cores (first line of /proc/stat; idle and iowait are idle). */
    static long[] machineTicks() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long all = 0;
        for (int i = 1; i <= 8 && i < f.length; i++) {
            all += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
        return new long[] {all - idle, all};
    }

    /**
     * CPU ticks at the start of a measured phase: the whole machine's, smtp-sink's and one process's. At its end,
     * per message: the share of the machine's CPU that was busy, and the sink's and the process's CPU.
     */
    record Usage(long pid, long machineBusy, long machineAll, long sink, long process) {
        static Usage now(long pid) throws IOException {
            long[] m = machineTicks();
            return new Usage(pid, m[0], m[1], sinkPid > 0 ? processCpuTicks(sinkPid) : 0, processCpuTicks(pid));
        }

        Map<String, Object> end(long messages) throws IOException {
            Map<String, Object> r = new LinkedHashMap<>();
            long[] m = machineTicks();
            r.put("machineBusy", round((double) (m[0] - machineBusy) / Math.max(1, m[1] - machineAll)));
            r.put("cpuMsPerMessage", round((processCpuTicks(pid) - process) * 10.0 / messages));
            if (sinkPid > 0) {
                r.put("sinkCpuMsPerMessage", round((processCpuTicks(sinkPid) - sink) * 10.0 / messages));
            }
            return r;
        }

        static String describe(Map<String, Object> r) {
            return String.format("machine %.0f %% busy, %s ms of CPU a message in the process, %s in smtp-sink",
                    100 * ((Number) r.get("machineBusy")).doubleValue(), r.get("cpuMsPerMessage"),
                    r.getOrDefault("sinkCpuMsPerMessage", "(not measured)"));
        }
    }

    static double jitShare(long[] before, long[] after) {
        long all = after[1] - before[1];
        return all <= 0 ? 0 : (double) (after[0] - before[0]) / all;
    }

    static long peakRssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return -1;
    }

    /**
     * Follows the gateway's heap with one long-running {@code jstat -gc <pid> 1000} (a line a second) and keeps the
     * peak of the used survivor, eden and old spaces. One jstat for the whole run: starting a JVM every second
     * would take CPU from the gateway it measures.
     */
    static Thread heapSampler(long pid, AtomicLong peakKb) {
        Thread t = new Thread(() -> {
            try {
                Process jstat = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstat").toString(),
                        "-gc", String.valueOf(pid), "1000").redirectErrorStream(true).start();
                try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(jstat.getInputStream()))) {
                    String[] head = null;
                    String line;
                    while ((line = lines.readLine()) != null) {
                        String[] cells = line.trim().split("\\s+");
                        if (cells.length > 0 && cells[0].equals("S0C")) {
                            head = cells;
                            continue;
                        }
                        if (head == null || cells.length != head.length) {
                            continue;
                        }
                        double used = 0;
                        for (int i = 0; i < head.length; i++) {
                            if (head[i].equals("S0U") || head[i].equals("S1U") || head[i].equals("EU") || head[i].equals("OU")) {
                                used += Double.parseDouble(cells[i]);
                            }
                        }
                        peakKb.accumulateAndGet((long) used, Math::max);
                    }
                } finally {
                    jstat.destroy();
                }
            } catch (IOException | RuntimeException e) {
                System.err.println("heap sampler: " + e);
            }
        }, "heap-sampler");
        t.setDaemon(true);
        t.start();
        return t;
    }

    static double percentile(ConcurrentLinkedQueue<Long> micros, int p) {
        List<Long> sorted = new ArrayList<>(micros);
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            return -1;
        }
        long v = sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
        return round(v / 1000.0);
    }

    static String orDash(Object value) {
        return value == null ? "-" : value.toString();
    }

    static String percent(Object share) {
        return share == null ? "-" : String.valueOf(Math.round(100 * ((Number) share).doubleValue()));
    }

    static double round(double v) {
        return Double.isNaN(v) ? Double.NaN : Math.round(v * 100) / 100.0;
    }

    static String json(Object o) {
        if (o instanceof Map<?, ?> m) {
            List<String> parts = new ArrayList<>();
            m.forEach((k, v) -> parts.add("\"" + k + "\": " + json(v)));
            return "{" + String.join(", ", parts) + "}";
        }
        if (o instanceof List<?> l) {
            return "[" + String.join(", ", l.stream().map(Benchmark::json).toList()) + "]";
        }
        if (o instanceof String s) {
            return "\"" + s.replace("\"", "\\\"") + "\"";
        }
        if (o instanceof Double d && (d.isNaN() || d.isInfinite())) {
            // a case that was not run (BENCH_ONLY=gateway): JSON has no NaN
            return "null";
        }
        return String.valueOf(o);
    }
}
