package io.freshet.testkit;

/** The account, region and ARNs the local EventBridge reports, and how it reads bus names. */
final class Names {

    static final String ACCOUNT = "000000000000";
    static final String REGION = "eu-central-1";
    static final String DEFAULT_BUS = "default";

    private Names() {
    }

    /** A bus given by name or ARN, as every operation accepts; absent means {@code default}. */
    static String bus(String nameOrArn) {
        if (nameOrArn == null || nameOrArn.isEmpty()) {
            return DEFAULT_BUS;
        }
        int at = nameOrArn.indexOf(":event-bus/");
        if (nameOrArn.startsWith("arn:") && at >= 0) {
            return nameOrArn.substring(at + ":event-bus/".length());
        }
        return nameOrArn;
    }

    static String busArn(String bus) {
        return "arn:aws:events:" + REGION + ":" + ACCOUNT + ":event-bus/" + bus;
    }

    /** As AWS: {@code rule/name} on the default bus, {@code rule/bus/name} on any other. */
    static String ruleArn(String bus, String rule) {
        String path = DEFAULT_BUS.equals(bus) ? rule : bus + "/" + rule;
        return "arn:aws:events:" + REGION + ":" + ACCOUNT + ":rule/" + path;
    }
}
