package io.freshet.bench.coldstart;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** What {@link ColdStartProbe} prints, parsed. Times in ms since JVM start; {@code error} set when it failed. */
record ProbeLine(long start, String jdk, long main, long constructed, long[] invoked, long classes, String response, String error) {

    private static final Pattern FEATURE = Pattern.compile("^(\\d+)");

    static ProbeLine parse(String line) {
        if (!line.startsWith(ColdStartProbe.PREFIX + " ")) {
            throw new IllegalArgumentException("not a probe line: " + line);
        }
        String rest = line.substring(ColdStartProbe.PREFIX.length() + 1);
        int err = rest.indexOf("error=");
        if (err == 0) {
            return failed(rest.substring("error=".length()));
        }
        String response = "";
        int r = rest.indexOf(" response=");
        if (r >= 0) {
            response = rest.substring(r + " response=".length());
            rest = rest.substring(0, r);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String token : rest.trim().split("\\s+")) {
            int eq = token.indexOf('=');
            if (eq > 0) {
                fields.put(token.substring(0, eq), token.substring(eq + 1));
            }
        }
        String invoked = fields.getOrDefault("invoked", "");
        return new ProbeLine(Long.parseLong(fields.getOrDefault("start", "0")), fields.getOrDefault("jdk", ""),
                Long.parseLong(fields.getOrDefault("main", "-1")), Long.parseLong(fields.getOrDefault("constructed", "-1")),
                invoked.isEmpty() ? new long[0] : Stream.of(invoked.split(",")).mapToLong(Long::parseLong).toArray(),
                Long.parseLong(fields.getOrDefault("classes", "-1")), response, null);
    }

    static ProbeLine failed(String error) {
        return new ProbeLine(0, "", -1, -1, new long[0], -1, "", error);
    }

    /** The feature release of a {@code java.version} such as 25.0.3+9-LTS; 0 when there is none. */
    static int feature(String jdk) {
        Matcher m = FEATURE.matcher(jdk);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    long init() {
        return constructed - main;
    }

    long first() {
        return invoked.length > 0 ? invoked[0] - constructed : -1;
    }

    long second() {
        return invoked.length > 1 ? invoked[1] - invoked[0] : -1;
    }
}
