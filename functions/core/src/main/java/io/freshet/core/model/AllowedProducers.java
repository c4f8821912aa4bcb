package io.freshet.core.model;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Who may announce an update of a source from outside ({@code allowed_producers:}): IAM principal
 * ARNs of another team's producers. A source without the key accepts no announcements.
 *
 * <p>What a caller is known as differs by the way in: a function URL signed with a role's session
 * names the session ({@code arn:aws:sts::123456789012:assumed-role/sales-export/session}, which
 * drops the role's path), a user names itself, and an event on the bus names only its account.
 * {@link #allows} and {@link #allowsAccount} say what each way can prove.
 *
 * @param arns the declared ARNs: {@code arn:aws:iam::ACCOUNT:role/[PATH/]NAME},
 *             {@code arn:aws:iam::ACCOUNT:user/[PATH/]NAME} or {@code arn:aws:iam::ACCOUNT:root}
 *             (every principal of the account)
 */
public record AllowedProducers(List<String> arns) {

    /** No producer: announcements are refused. */
    public static final AllowedProducers NONE = new AllowedProducers(List.of());

    /** A principal ARN as the YAML may declare it; group 2 is the account, 3 the kind, 4 the path and name. */
    private static final Pattern DECLARED =
            Pattern.compile("arn:(aws|aws-cn|aws-us-gov):iam::([0-9]{12}):(role|user|root)(?:/([\\w+=,.@/-]{1,512}))?");
    /** A caller as a signed request names it: an IAM user or role ARN, or a role session's STS ARN. */
    private static final Pattern CALLER = Pattern.compile(
            "arn:(aws|aws-cn|aws-us-gov):(iam|sts)::([0-9]{12}):(role|user|root|assumed-role)(?:/([\\w+=,.@/-]{1,512}))?");

    public AllowedProducers {
        arns = List.copyOf(arns);
    }

    public boolean isEmpty() {
        return arns.isEmpty();
    }

    /** Why {@code arn} cannot be declared as a producer, or empty when it can. */
    public static Optional<String> problem(String arn) {
        Matcher m = DECLARED.matcher(arn);
        if (!m.matches()) {
            return Optional.of("'" + arn + "' is not an IAM principal ARN: write arn:aws:iam::123456789012:role/NAME,"
                    + " arn:aws:iam::123456789012:user/NAME or arn:aws:iam::123456789012:root (no wildcards)");
        }
        boolean root = m.group(3).equals("root");
        if (root != (m.group(4) == null)) {
            return Optional.of("'" + arn + "': " + (root ? "root takes no name after it" : "a " + m.group(3) + " ARN needs a name after '" + m.group(3) + "/'"));
        }
        if (!root && (m.group(4).startsWith("/") || m.group(4).endsWith("/") || m.group(4).contains("//"))) {
            return Optional.of("'" + arn + "': the " + m.group(3) + "'s path and name must not start or end with / or hold an empty segment");
        }
        return Optional.empty();
    }

    /** The 12-digit accounts of the declared principals: what a bus event can be checked against. */
    public Set<String> accounts() {
        return arns.stream().map(DECLARED::matcher).filter(Matcher::matches).map(m -> m.group(2)).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Whether an event put on the bus from {@code account} may announce this source (the bus names only the account). */
    public boolean allowsAccount(String account) {
        return accounts().contains(account);
    }

    /**
     * Whether the caller a signed request names may announce this source: a declared role admits
     * its sessions (same account and role name: the session ARN carries no path), a declared user
     * itself, a declared root every principal of its account.
     */
    public boolean allows(String callerArn) {
        Matcher c = CALLER.matcher(callerArn == null ? "" : callerArn);
        if (!c.matches()) {
            return false;
        }
        String account = c.group(3);
        String kind = c.group(4);
        String rest = c.group(5) == null ? "" : c.group(5);
        for (String declared : arns) {
            Matcher d = DECLARED.matcher(declared);
            if (!d.matches() || !d.group(1).equals(c.group(1)) || !d.group(2).equals(account)) {
                continue;
            }
            String name = d.group(4) == null ? "" : d.group(4);
            boolean admitted = switch (d.group(3)) {
                case "root" -> true;
                case "user" -> kind.equals("user") && rest.equals(name);
                default -> kind.equals("role") && rest.equals(name)
                        || kind.equals("assumed-role") && rest.contains("/") && rest.substring(0, rest.indexOf('/')).equals(lastSegment(name));
            };
            if (admitted) {
                return true;
            }
        }
        return false;
    }

    private static String lastSegment(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
