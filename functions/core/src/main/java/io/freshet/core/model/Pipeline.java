package io.freshet.core.model;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.freshet.core.yaml.SourcePos;

/** One pipeline file: what it reads, what it writes, when it runs and how. */
public record Pipeline(
        String name,
        String file,
        String description,
        List<Input> inputs,
        Partitioning partitioning,
        List<Output> outputs,
        Optional<Trigger> trigger,
        Optional<Freshness> freshness,
        List<Step> steps,
        List<Check> checks,
        Retries retries,
        Duration timeout,
        OnCodeChange onCodeChange,
        SourcePos pos) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(15);

    public List<String> inputAssets() {
        return inputs.stream().map(Input::asset).toList();
    }

    public List<String> outputAssets() {
        return outputs.stream().map(Output::asset).toList();
    }

    public Optional<Input> input(String asset) {
        return inputs.stream().filter(i -> i.asset().equals(asset)).findFirst();
    }

    public Optional<Output> output(String asset) {
        return outputs.stream().filter(o -> o.asset().equals(asset)).findFirst();
    }

    /** How the pipeline is started, in words, for plans. */
    public String describeTrigger() {
        if (trigger.isPresent()) {
            return trigger.get().describe();
        }
        return freshness.map(f -> "lazily, to stay fresh " + f.describe()).orElse("manual");
    }
}
