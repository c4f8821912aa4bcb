package io.freshet.core.load;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import io.freshet.core.condition.Condition;
import io.freshet.core.cron.AwsCron;
import io.freshet.core.model.Freshness;
import io.freshet.core.model.Schedule;
import io.freshet.core.model.Trigger;
import io.freshet.core.yaml.Diagnostics;
import io.freshet.core.yaml.MapReader;
import io.freshet.core.yaml.TextSpan;
import io.freshet.core.yaml.YNode;

/**
 * The declarations about time: a pipeline's {@code trigger} (cron, condition, catch-up) and the
 * {@code freshness} policy of a pipeline or an S3 source.
 */
final class ScheduleParser {

    private final Diagnostics out;
    private final ValueSyntax syntax;

    ScheduleParser(Diagnostics out, ValueSyntax syntax) {
        this.out = out;
        this.syntax = syntax;
    }

    Optional<Trigger> trigger(YNode node) {
        if (node instanceof YNode.Scalar s && s.value().equals("manual")) {
            return Optional.of(Trigger.manual(s.pos()));
        }
        if (node instanceof YNode.Scalar s && !s.isNull()) {
            out.error(s.pos(), "'trigger' must be 'manual' or a mapping with 'cron' and/or 'condition', got " + s.describe());
            return Optional.empty();
        }
        Optional<MapReader> m = MapReader.of(node, "'trigger'", out);
        if (m.isEmpty()) {
            return Optional.empty();
        }
        MapReader r = m.get();
        Optional<AwsCron> cron = r.get("cron").flatMap(syntax::cron);
        Optional<ZoneId> zone = r.get("timezone").flatMap(syntax::zone);
        Optional<Condition> condition = r.get("condition").flatMap(syntax::condition);
        Optional<Boolean> catchup = r.bool("catchup");
        Optional<Long> maxCatchup = r.integer("max_catchup", 1, 1000);
        checkCronOrCondition(r);
        r.finish();
        if (anyRejected(r, cron, zone, condition)) {
            return Optional.empty();
        }
        Optional<Schedule> schedule = cron.map(c -> new Schedule(c, zone.orElse(ZoneOffset.UTC)));
        Optional<TextSpan> span = r.get("condition").filter(YNode.Scalar.class::isInstance).map(n -> ((YNode.Scalar) n).span());
        return Optional.of(new Trigger(schedule, condition, catchup.orElse(false),
                maxCatchup.map(Long::intValue).orElse(Trigger.DEFAULT_MAX_CATCHUP), r.pos(), span));
    }

    /** A trigger needs a cron or a condition, and the cron's settings only make sense with a cron. */
    private void checkCronOrCondition(MapReader r) {
        boolean hasCron = r.has("cron");
        if (!hasCron && !r.has("condition")) {
            out.error(r.pos(), "'trigger' needs 'cron', 'condition' or both (cron with condition runs at the tick only if the condition holds)");
        }
        if (!hasCron) {
            for (String key : List.of("timezone", "catchup", "max_catchup")) {
                if (r.has(key)) {
                    out.error(r.keyPos(key), "'" + key + "' applies to a cron trigger, and this trigger has no 'cron'");
                }
            }
        }
    }

    /** Whether a key is there but its value was rejected (and reported), so there is no trigger to build. */
    private static boolean anyRejected(MapReader r, Optional<AwsCron> cron, Optional<ZoneId> zone, Optional<Condition> condition) {
        return r.has("cron") && cron.isEmpty() || r.has("timezone") && zone.isEmpty() || r.has("condition") && condition.isEmpty();
    }

    Optional<Freshness> freshness(YNode node) {
        Optional<MapReader> m = MapReader.of(node, "'freshness'", out);
        if (m.isEmpty()) {
            return Optional.empty();
        }
        MapReader r = m.get();
        Optional<Duration> maxLag = r.duration("max_lag");
        Optional<AwsCron> deadline = r.get("deadline").flatMap(syntax::cron);
        Optional<ZoneId> zone = r.get("timezone").flatMap(syntax::zone);
        Optional<Duration> lag = r.duration("lag");
        Optional<Freshness> result = Optional.empty();
        if (r.has("max_lag") == r.has("deadline")) {
            out.error(r.pos(), "'freshness' needs exactly one of 'max_lag' (e.g. 30m) or 'deadline' (a cron, e.g. \"0 9 * * ? *\", with 'timezone' and 'lag')");
        } else if (r.has("max_lag")) {
            for (String key : List.of("timezone", "lag")) {
                if (r.has(key)) {
                    out.error(r.keyPos(key), "'" + key + "' applies to a 'deadline' freshness policy, not to 'max_lag'");
                }
            }
            result = maxLag.map(d -> new Freshness.MaxLag(d, r.pos()));
        } else if (deadline.isPresent() && (zone.isPresent() || !r.has("timezone"))) {
            result = Optional.of(new Freshness.Deadline(new Schedule(deadline.get(), zone.orElse(ZoneOffset.UTC)), lag.orElse(Duration.ZERO), r.pos()));
        }
        r.finish();
        return result;
    }
}
