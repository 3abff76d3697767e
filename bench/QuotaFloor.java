// The floor for client quotas: one batched AlterClientQuotas through Kafka's Java Admin
// (confluent-kafka has no quota API). Run by bench/up_floor.py with the Java source
// launcher: `java -cp '<kafka libs>/*' bench/QuotaFloor.java <admin.properties>`, one quota
// per stdin line: `<entity type>\t<entity name>\t<key>=<value>,...`.
import java.io.FileInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Scanner;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;

public class QuotaFloor {
  public static void main(String[] args) throws Exception {
    Properties config = new Properties();
    try (FileInputStream in = new FileInputStream(args[0])) {
      config.load(in);
    }
    List<ClientQuotaAlteration> alterations = new ArrayList<>();
    Scanner lines = new Scanner(System.in);
    while (lines.hasNextLine()) {
      String[] fields = lines.nextLine().split("\t");
      List<ClientQuotaAlteration.Op> ops = new ArrayList<>();
      for (String pair : fields[2].split(",")) {
        String[] kv = pair.split("=", 2);
        ops.add(new ClientQuotaAlteration.Op(kv[0], Double.parseDouble(kv[1])));
      }
      alterations.add(
          new ClientQuotaAlteration(new ClientQuotaEntity(Map.of(fields[0], fields[1])), ops));
    }
    try (Admin admin = Admin.create(config)) {
      admin.alterClientQuotas(alterations).all().get();
    }
  }
}
