import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import java.io.File;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a JSON array of Strimzi manifests and deserialises each into Strimzi's own model
 * class for its kind; prints "OK kind/name" or "ERROR kind/name: problem" per manifest.
 * Strict: no scalar coercion (a string where a number belongs fails), and a property the
 * model does not know (which Strimzi's classes would silently keep in additionalProperties)
 * is an error naming its path.
 */
public final class StrimziModelCheck {
    private static final Map<String, String> KINDS = Map.of(
        "Kafka", "io.strimzi.api.kafka.model.kafka.Kafka",
        "KafkaNodePool", "io.strimzi.api.kafka.model.nodepool.KafkaNodePool",
        "KafkaUser", "io.strimzi.api.kafka.model.user.KafkaUser",
        "KafkaConnect", "io.strimzi.api.kafka.model.connect.KafkaConnect",
        "KafkaConnector", "io.strimzi.api.kafka.model.connector.KafkaConnector");

    public static void main(String[] args) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        mapper.coercionConfigDefaults()
            .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        for (JsonNode doc : mapper.readTree(new File(args[0]))) {
            String kind = doc.path("kind").asText();
            String label = kind + "/" + doc.path("metadata").path("name").asText();
            String model = KINDS.get(kind);
            if (model == null) {
                System.out.println("ERROR " + label + ": no Strimzi model for kind " + kind);
                continue;
            }
            try {
                Object resource = mapper.treeToValue(doc, Class.forName(model));
                List<String> unknown = new ArrayList<>();
                walk(resource, "", unknown, Collections.newSetFromMap(new IdentityHashMap<>()));
                System.out.println(unknown.isEmpty()
                    ? "OK " + label
                    : "ERROR " + label + ": unknown properties " + String.join(", ", unknown));
            } catch (Exception e) {
                System.out.println("ERROR " + label + ": "
                    + e.getMessage().replace('\n', ' '));
            }
        }
    }

    /** Collect every additionalProperties entry below {@code value}, with its path. */
    private static void walk(Object value, String path, List<String> unknown, Set<Object> seen)
            throws Exception {
        if (value == null || !seen.add(value)) {
            return;
        }
        if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                walk(list.get(i), path + "[" + i + "]", unknown, seen);
            }
            return;
        }
        String pkg = value.getClass().getPackageName();
        if (!pkg.startsWith("io.strimzi") && !pkg.startsWith("io.fabric8")) {
            return;
        }
        for (Method method : value.getClass().getMethods()) {
            String name = method.getName();
            if (method.getParameterCount() != 0 || Modifier.isStatic(method.getModifiers())
                    || !(name.startsWith("get") || name.startsWith("is"))
                    || name.equals("getClass")) {
                continue;
            }
            Object child = method.invoke(value);
            if (name.equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    for (Object key : extra.keySet()) {
                        unknown.add(path + "." + key);
                    }
                }
                continue;
            }
            String property = name.startsWith("is") ? name.substring(2) : name.substring(3);
            walk(child, path + "." + Character.toLowerCase(property.charAt(0))
                + property.substring(1), unknown, seen);
        }
    }
}
