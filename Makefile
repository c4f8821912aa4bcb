# `sam build` builds every function of template.yaml with `BuildMethod: makefile`: it runs
# `make build-<LogicalId>` with ARTIFACTS_DIR set, and deploys what the target leaves there.
# SAM's own Java builder cannot build these modules (their parent pom is ../../pom.xml and their
# sibling modules are not installed), so each target runs the Maven wrapper from the root on that
# function and the modules it depends on (scripts/build-functions.sh: ./mvnw -pl functions/<x> -am
# package) and unpacks its shaded jar into ARTIFACTS_DIR: classes and pipelines/ at the top, the layout the
# java21 runtime runs from /var/task (io.freshet.aws.Config reads $LAMBDA_TASK_ROOT/pipelines).
#
# Works from any directory: paths are relative to this file, not to where SAM runs make.

ROOT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
BUILD := "$(ROOT)/scripts/build-functions.sh"

.PHONY: build-S3EventsFunction build-TriggerFunction build-RulesSyncFunction build-SchedulerFunction build-RunnerFunction build-PublisherFunction build-EmitFunction functions

build-S3EventsFunction:
	$(BUILD) --unpack-into "$(ARTIFACTS_DIR)" s3-events

build-TriggerFunction:
	$(BUILD) --unpack-into "$(ARTIFACTS_DIR)" trigger

build-RulesSyncFunction:
	$(BUILD) --unpack-into "$(ARTIFACTS_DIR)" rules-sync

build-SchedulerFunction:
	$(BUILD) --unpack-into "$(ARTIFACTS_DIR)" scheduler

build-RunnerFunction:
	$(BUILD) --unpack-into "$(ARTIFACTS_DIR)" runner

build-PublisherFunction:
	$(BUILD) --unpack-into "$(ARTIFACTS_DIR)" publisher

build-EmitFunction:
	$(BUILD) --unpack-into "$(ARTIFACTS_DIR)" emit

# Every package at once, with their sizes (what CI can run instead of sam build).
functions:
	$(BUILD)
