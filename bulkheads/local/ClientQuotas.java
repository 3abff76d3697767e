// Sets client quotas in one JVM with the Admin API (librdkafka has no quota API, and
// kafka-configs alters one entity per JVM). Run as a single-file source program:
//   java -cp '<kafka libs>/*' ClientQuotas.java <admin client properties>
// stdin: one line per entity, "<user|client-id> <name> <key>=<value>,<key>=<value>...".
import java.io.BufferedReader;
import java.io.FileReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;

public class ClientQuotas {
    public static void main(String[] args) throws Exception {
        Properties properties = new Properties();
        try (FileReader reader = new FileReader(args[0])) {
            properties.load(reader);
        }
        List<ClientQuotaAlteration> alterations = new ArrayList<>();
        BufferedReader input = new BufferedReader(new InputStreamReader(System.in));
        for (String line = input.readLine(); line != null; line = input.readLine()) {
            String[] parts = line.trim().split(" ", 3);
            List<ClientQuotaAlteration.Op> ops = new ArrayList<>();
            for (String pair : parts[2].split(",")) {
                String[] keyValue = pair.split("=", 2);
                ops.add(new ClientQuotaAlteration.Op(keyValue[0], Double.valueOf(keyValue[1])));
            }
            String type = parts[0].equals("user") ? ClientQuotaEntity.USER : ClientQuotaEntity.CLIENT_ID;
            ClientQuotaEntity entity = new ClientQuotaEntity(Map.of(type, parts[1]));
            alterations.add(new ClientQuotaAlteration(entity, ops));
        }
        try (Admin admin = Admin.create(properties)) {
            admin.alterClientQuotas(alterations).all().get();
        }
    }
}
