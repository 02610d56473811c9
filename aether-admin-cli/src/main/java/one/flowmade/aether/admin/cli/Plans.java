package one.flowmade.aether.admin.cli;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import one.flowmade.aether.admin.ProvisioningPlan;
import one.flowmade.aether.admin.ProvisioningPlan.Difference;
import one.flowmade.aether.admin.ProvisioningPlan.Resource;
import one.flowmade.aether.admin.ProvisioningPlan.Status;

/** How the commands word a plan's counts and what {@code --apply} did. Stateless. */
final class Plans {

  private Plans() {}

  /** E.g. {@code "2 missing, 1 differing, 1 matching"}. */
  static String counts(ProvisioningPlan plan) {
    Map<Status, Integer> n = new EnumMap<>(Status.class);
    for (Resource r : plan.resources()) {
      n.merge(r.status(), 1, Integer::sum);
    }
    List<String> parts = new ArrayList<>();
    for (Status s : Status.values()) {
      if (n.containsKey(s)) {
        parts.add(n.get(s) + " " + switch (s) {
          case MISSING -> "missing";
          case DIFFERS -> "differing";
          case MATCHES -> "matching";
        });
      }
    }
    return String.join(", ", parts);
  }

  /** What apply did to each resource, one line each, e.g. {@code "updated  event stream ..."}. */
  static String applied(ProvisioningPlan done) {
    StringBuilder out = new StringBuilder();
    for (Resource r : done.resources()) {
      String action = switch (r.status()) {
        case MISSING -> "created";
        case DIFFERS -> "updated";
        case MATCHES -> "unchanged";
      };
      out.append(String.format("%-9s", action)).append(' ').append(r.kind()).append(' ')
          .append(r.stream());
      if (r.status() == Status.DIFFERS) {
        List<String> fields = new ArrayList<>();
        for (Difference d : r.differences()) {
          fields.add(d.field());
        }
        out.append(" (").append(String.join(", ", fields)).append(')');
      }
      out.append('\n');
    }
    return out.toString();
  }
}
