package io.freshet.core.load;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import io.freshet.core.yaml.DidYouMean;

/**
 * Reads the {@code timezone} of a trigger, a freshness deadline or daily partitions. Every IANA
 * zone id the JDK knows is accepted ({@code Europe/Prague}, {@code CET}, {@code EST5EDT},
 * {@code Etc/GMT-1}); the three-letter ids that are fixed offsets although people use them for a
 * region with daylight saving ({@code EST}, {@code MST}, {@code HST}) are refused with the region
 * they probably meant, and so are abbreviations that are not zone ids at all ({@code PST}).
 * Suggestions for a misspelt or local name ({@code Europe/Praha}) come from a small table of
 * local city names and then from the edit distance of the city part within the same region, so
 * they never name a city merely because its spelling is as far away as the right one.
 */
final class ZoneNames {

    /** Local or former names of cities that name zones, as people write them. */
    private static final Map<String, String> LOCAL_NAMES = Map.ofEntries(
            Map.entry("praha", "Prague"), Map.entry("prag", "Prague"), Map.entry("wien", "Vienna"),
            Map.entry("warszawa", "Warsaw"), Map.entry("roma", "Rome"), Map.entry("lisboa", "Lisbon"),
            Map.entry("moskva", "Moscow"), Map.entry("bucuresti", "Bucharest"), Map.entry("beograd", "Belgrade"),
            Map.entry("athina", "Athens"), Map.entry("athens", "Athens"), Map.entry("kobenhavn", "Copenhagen"),
            Map.entry("københavn", "Copenhagen"), Map.entry("bruxelles", "Brussels"), Map.entry("brussel", "Brussels"),
            Map.entry("munich", "Berlin"), Map.entry("munchen", "Berlin"), Map.entry("münchen", "Berlin"),
            Map.entry("frankfurt", "Berlin"), Map.entry("milano", "Rome"), Map.entry("milan", "Rome"),
            Map.entry("geneve", "Zurich"), Map.entry("geneva", "Zurich"), Map.entry("bratislava", "Bratislava"),
            Map.entry("kiev", "Kyiv"), Map.entry("den_haag", "Amsterdam"), Map.entry("hague", "Amsterdam"),
            Map.entry("barcelona", "Madrid"), Map.entry("sevilla", "Madrid"), Map.entry("zürich", "Zurich"),
            Map.entry("san_francisco", "Los_Angeles"), Map.entry("seattle", "Los_Angeles"),
            Map.entry("washington", "New_York"), Map.entry("boston", "New_York"), Map.entry("miami", "New_York"),
            Map.entry("beijing", "Shanghai"), Map.entry("peking", "Shanghai"), Map.entry("mumbai", "Kolkata"),
            Map.entry("bombay", "Kolkata"), Map.entry("delhi", "Kolkata"), Map.entry("new_delhi", "Kolkata"),
            Map.entry("calcutta", "Kolkata"), Map.entry("saigon", "Ho_Chi_Minh"), Map.entry("sydney", "Sydney"),
            Map.entry("kyoto", "Tokyo"), Map.entry("osaka", "Tokyo"), Map.entry("rio", "Sao_Paulo"),
            Map.entry("são_paulo", "Sao_Paulo"), Map.entry("ciudad_de_mexico", "Mexico_City"));

    /** Three-letter ids that are fixed offsets in the JDK: the region people usually mean by them. */
    private static final Map<String, String> FIXED_OFFSET_IDS = Map.of(
            "EST", "America/New_York", "MST", "America/Denver", "HST", "Pacific/Honolulu");

    private ZoneNames() {
    }

    /** The problem with {@code text} as a zone, or the zone. */
    sealed interface Result {
        record Zone(ZoneId zone) implements Result {
        }

        record Problem(String message) implements Result {
        }
    }

    static Result read(String text) {
        if (text.equals("UTC")) {
            return new Result.Zone(ZoneOffset.UTC);
        }
        String fixedMeant = FIXED_OFFSET_IDS.get(text);
        if (fixedMeant != null) {
            return new Result.Problem("time zone '" + text + "' is a fixed offset (" + ZoneId.of(text, ZoneId.SHORT_IDS).getRules().getOffset(Instant.EPOCH)
                    + ") without daylight saving; write '" + fixedMeant + "' for the region's local time, or 'UTC'");
        }
        Set<String> available = ZoneId.getAvailableZoneIds();
        if (available.contains(text)) {
            try {
                return new Result.Zone(ZoneId.of(text));
            } catch (DateTimeException e) {
                // listed yet unreadable: fall through to the message below
            }
        }
        String abbreviationOf = ZoneId.SHORT_IDS.get(text.toUpperCase(Locale.ROOT));
        if (abbreviationOf != null && available.contains(abbreviationOf)) {
            return new Result.Problem("unknown time zone '" + text + "': abbreviations are ambiguous; did you mean '" + abbreviationOf + "'?");
        }
        return new Result.Problem("unknown time zone '" + text + "': use an IANA name such as Europe/Prague or UTC"
                + suggestion(text, available).map(s -> "; did you mean '" + s + "'?").orElse(""));
    }

    /** A zone id close to {@code text}, never {@code text} itself. */
    static Optional<String> suggestion(String text, Set<String> available) {
        int slash = text.lastIndexOf('/');
        String region = slash < 0 ? "" : text.substring(0, slash);
        String city = text.substring(slash + 1);
        return sameButCase(text, available)
                .or(() -> byLocalName(text, region, city, available))
                .or(() -> closestCityInRegion(text, region, city, available))
                .or(() -> DidYouMean.closest(text, available));
    }

    /** Case only: europe/prague. */
    private static Optional<String> sameButCase(String text, Set<String> available) {
        for (String id : available) {
            if (id.equalsIgnoreCase(text) && !id.equals(text)) {
                return Optional.of(id);
            }
        }
        return Optional.empty();
    }

    /** A local name of the city (Praha), preferring a zone of the region given. */
    private static Optional<String> byLocalName(String text, String region, String city, Set<String> available) {
        String local = LOCAL_NAMES.get(city.toLowerCase(Locale.ROOT).replace(' ', '_'));
        if (local == null) {
            return Optional.empty();
        }
        return available.stream().filter(id -> id.endsWith("/" + local))
                .sorted((a, b) -> Boolean.compare(!a.regionMatches(true, 0, region, 0, region.length()),
                        !b.regionMatches(true, 0, region, 0, region.length())))
                .findFirst()
                .filter(id -> !id.equals(text));
    }

    /**
     * The city part within the same region, closest first, then the longest shared beginning; only
     * when it is a few edits away.
     */
    private static Optional<String> closestCityInRegion(String text, String region, String city, Set<String> available) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        int bestPrefix = -1;
        for (String id : new TreeSet<>(available)) {
            int idSlash = id.lastIndexOf('/');
            if (id.equals(text) || !id.substring(0, Math.max(idSlash, 0)).equalsIgnoreCase(region)) {
                continue;
            }
            String idCity = id.substring(idSlash + 1);
            int d = DidYouMean.distance(city.toLowerCase(Locale.ROOT), idCity.toLowerCase(Locale.ROOT));
            int prefix = commonPrefix(city.toLowerCase(Locale.ROOT), idCity.toLowerCase(Locale.ROOT));
            if (d < bestDistance || d == bestDistance && prefix > bestPrefix) {
                best = id;
                bestDistance = d;
                bestPrefix = prefix;
            }
        }
        int allowed = Math.max(1, Math.min(3, city.length() / 2));
        return best != null && bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    private static int commonPrefix(String a, String b) {
        int n = 0;
        while (n < a.length() && n < b.length() && a.charAt(n) == b.charAt(n)) n++;
        return n;
    }
}
