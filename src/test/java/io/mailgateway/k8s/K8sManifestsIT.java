package io.mailgateway.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders each overlay with {@code kubectl kustomize} and checks every object against the typed Kubernetes models
 * (fabric8): an unknown kind, an unknown field or a wrong type fails, as the API server would refuse it. Then checks
 * what the issue asks of the Deployment.
 */
@Tag("e2e")
class K8sManifestsIT {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private static String render(String overlay) throws Exception {
        Process kubectl = new ProcessBuilder("kubectl", "kustomize", "--load-restrictor=LoadRestrictionsNone",
                "k8s/overlays/" + overlay).redirectErrorStream(true).start();
        String out = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kubectl.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(kubectl.exitValue()).as(out).isZero();
        Files.createDirectories(Path.of("target", "k8s"));
        Files.writeString(Path.of("target", "k8s", overlay + ".yaml"), out);
        return out;
    }

    private static List<HasMetadata> parse(String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            if (doc.isBlank()) {
                continue;
            }
            Object parsed = SERIALIZATION.unmarshal(doc);
            assertThat(parsed).as("a known Kubernetes kind:\n" + doc).isInstanceOf(HasMetadata.class)
                    .isNotInstanceOf(GenericKubernetesResource.class);
            objects.add((HasMetadata) parsed);
        }
        return objects;
    }

    /** Fields the models do not know end up in additionalProperties: there must be none, anywhere. */
    private static void unknownFields(Object node, String path, List<String> problems) throws Exception {
        if (node == null || node instanceof String || node instanceof Number || node instanceof Boolean || node instanceof Enum) {
            return;
        }
        if (node instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                unknownFields(item, path + "[" + i++ + "]", problems);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            for (var e : map.entrySet()) {
                unknownFields(e.getValue(), path + "." + e.getKey(), problems);
            }
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
                continue;
            }
            Object value = getter.invoke(node);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problems.add(path + ": unknown " + extra.keySet());
                }
            } else {
                unknownFields(value, path + "." + getter.getName().substring(3), problems);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyOverlayRendersToValidKubernetesObjects(String overlay) throws Exception {
        List<HasMetadata> objects = parse(render(overlay));

        List<String> problems = new ArrayList<>();
        for (HasMetadata o : objects) {
            unknownFields(o, o.getKind() + "/" + o.getMetadata().getName(), problems);
        }
        assertThat(problems).isEmpty();
        assertThat(objects.stream().map(HasMetadata::getKind).collect(Collectors.toSet())).contains("Deployment",
                "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler", "NetworkPolicy", "ConfigMap");

        Deployment deployment = objects.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast)
                .findFirst().orElseThrow();
        var pod = deployment.getSpec().getTemplate().getSpec();
        Container gateway = pod.getContainers().get(0);
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(gateway.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(gateway.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(gateway.getResources().getLimits()).containsKey("memory");
        assertThat(gateway.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
        assertThat(gateway.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
        assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThan(30L);
        // secrets are referenced, never inlined
        assertThat(gateway.getEnv()).allSatisfy(env -> assertThat(env.getName().matches(".*(PASSWORD|SECRET|KEYS|ADMIN_KEY)$")
                ? env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null : true).isTrue());
        assertThat(objects).noneMatch(o -> o.getKind().equals("Secret"));

        // the routes ConfigMap carries every YAML route, and is mounted where GATEWAY_ROUTES_LOCATION points
        ConfigMap routes = objects.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast)
                .filter(c -> c.getMetadata().getName().startsWith("mail-gateway-routes")).findFirst().orElseThrow();
        Set<String> files;
        try (Stream<Path> list = Files.list(Path.of("routes"))) {
            files = list.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        assertThat(routes.getData().keySet()).containsExactlyInAnyOrderElementsOf(files);
        assertThat(gateway.getEnv()).anySatisfy(env -> assertThat(env.getValue()).isEqualTo("file:/etc/mail-gateway/routes"));
    }
}
