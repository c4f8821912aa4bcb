#!/usr/bin/env python3
"""IAM policy lint of template.yaml, as CloudFormation would deploy it.

1. Translates the SAM template with samtranslator (no AWS account: an empty managed-policy map and
   a fixed account and region), which yields the roles SAM generates from each function's
   `Policies`.
2. Extracts every IAM policy document of the translated template: inline role policies
   (AWS::IAM::Role), AWS::IAM::Policy / ManagedPolicy, and resource policies (SQS queue, S3
   bucket, EventBridge bus policies).
3. Resolves the intrinsic functions in them the way CloudFormation would for one stack, once per
   parameter set: the defaults, and every optional feature on (secret, VPC, alarm topic, trusted
   producers), so that both branches of each `!If` are linted.
4. Runs parliament (with its community auditors) on each document and fails on every finding
   that .ci/iam-allowlist.yaml does not accept with a reason.

    lint_iam.py [--template template.yaml] [--allowlist .ci/iam-allowlist.yaml] [--translated OUT.json]
    lint_iam.py --self-test     # shows that a statement like rules-sync's old ListRules one is caught
    lint_iam.py --checkov-report CHECKOV.json --triage docs/deploy.md
                                # every failed checkov check must have its triage line, one per finding:
                                # | CKV_AWS_27 | S3EventsDeadLetters | false positive | why |
                                # (verdicts: real (fixed), accepted, false positive)

Exit status: 0 clean, 1 findings not accepted (or allow-list entries that match nothing), 2 usage
or input errors.
"""

import argparse
import copy
import json
import os
import re
import sys
from pathlib import Path

import logging

import yaml
import parliament
from samtranslator.model.exceptions import InvalidDocumentException
from samtranslator.translator.transform import transform

ACCOUNT = "123456789012"
REGION = "eu-central-1"
PARTITION = "aws"
ROOT = Path(__file__).resolve().parent.parent

# Values for the parameters that have no usable default, to lint the branches they switch on.
FEATURES_ON = {
    "PostgresSecretArn": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:freshet-postgres-AbCdEf",
    "RunnerSubnetIds": "subnet-0a1b2c3d,subnet-4e5f6a7b",
    "RunnerSecurityGroupIds": "sg-0a1b2c3d",
    "AlarmTopicArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:freshet-alarms",
    "TrustedProducerArns": f"arn:aws:iam::{ACCOUNT}:role/operator,arn:aws:iam::210987654321:role/producer",
}


class TemplateError(Exception):
    pass


# ---------------------------------------------------------------- reading the template

class CfnLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short-form tags (!Ref, !Sub, !GetAtt ...) as their long forms."""


def _construct(tag):
    def construct(loader, node):
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
            if tag == "GetAtt":
                return {"Fn::GetAtt": value.split(".", 1)}
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {"Ref": value} if tag == "Ref" else {"Fn::" + tag: value}
    return construct


for _tag in ["Ref", "Sub", "GetAtt", "If", "Join", "Split", "Select", "Equals", "Not", "And", "Or", "Condition",
             "Contains", "FindInMap", "Base64", "GetAZs", "ImportValue", "Cidr", "Length", "ToJsonString"]:
    CfnLoader.add_constructor("!" + _tag, _construct(_tag))


def load_template(path):
    try:
        return yaml.load(Path(path).read_text(), Loader=CfnLoader)
    except (OSError, yaml.YAMLError) as e:
        raise TemplateError(f"{path}: {e}") from e


class NoManagedPolicies:
    """SAM asks for AWS managed policies by name only when `Policies` names one; this template names none."""

    def load(self):
        return {}


def translate(template):
    # samtranslator reads the region through boto3 (pseudo parameters, ARN partitions), never the network.
    os.environ["AWS_DEFAULT_REGION"] = REGION
    template = copy.deepcopy(template)
    # What `sam package` does first: local code becomes an S3 object (it changes no policy).
    for resource in template.get("Resources", {}).values():
        props = resource.get("Properties", {})
        if resource.get("Type") == "AWS::Serverless::Function" and isinstance(props.get("CodeUri"), str) \
                and not props["CodeUri"].startswith("s3://"):
            props["CodeUri"] = f"s3://freshet-packages/{props['CodeUri'].strip('./')}.zip"
    try:
        return transform(template, {"AWS::Region": REGION, "AWS::AccountId": ACCOUNT, "AWS::Partition": PARTITION},
                         NoManagedPolicies())
    except InvalidDocumentException as e:
        raise TemplateError("samtranslator: " + "; ".join(str(c) for c in e.causes)) from e


# ---------------------------------------------------------------- resolving intrinsics

class Resolver:
    """Resolves intrinsic functions for one stack with given parameter values."""

    def __init__(self, template, overrides):
        self.resources = template.get("Resources", {})
        self.params = {}
        for name, spec in template.get("Parameters", {}).items():
            value = overrides.get(name, spec.get("Default", ""))
            if spec.get("Type") == "CommaDelimitedList":
                value = [v for v in str(value).split(",")] if not isinstance(value, list) else value
            self.params[name] = value
        self.conditions = {}
        for name, expr in template.get("Conditions", {}).items():
            self.conditions[name] = expr

    def condition(self, name):
        value = self.conditions[name]
        if not isinstance(value, bool):
            self.conditions[name] = value = bool(self.resolve(value))
        return value

    def name_of(self, logical_id):
        """A resource's physical name: its declared name, or one CloudFormation would generate."""
        resource = self.resources.get(logical_id)
        if resource is None:
            raise TemplateError(f"unknown resource {logical_id}")
        props = resource.get("Properties", {})
        for key in ("TableName", "BucketName", "QueueName", "Name", "FunctionName", "RoleName", "LogGroupName"):
            if key in props:
                return str(self.resolve(props[key]))
        return f"freshet-{logical_id}-ABCDEF123456"

    def arn_of(self, logical_id):
        kind = self.resources[logical_id]["Type"]
        name = self.name_of(logical_id)
        arns = {
            "AWS::DynamoDB::Table": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}",
            "AWS::S3::Bucket": f"arn:aws:s3:::{name}",
            "AWS::SQS::Queue": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}",
            "AWS::Events::EventBus": f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/{name}",
            "AWS::Events::Rule": f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{name}",
            "AWS::Logs::LogGroup": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{name}:*",
            "AWS::IAM::Role": f"arn:aws:iam::{ACCOUNT}:role/{name}",
            "AWS::Lambda::Function": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}",
            "AWS::SNS::Topic": f"arn:aws:sns:{REGION}:{ACCOUNT}:{name}",
            "AWS::Scheduler::Schedule": f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/default/{name}",
        }
        if kind not in arns:
            raise TemplateError(f"no ARN form for {logical_id} ({kind})")
        return arns[kind]

    def ref(self, name):
        pseudo = {"AWS::Region": REGION, "AWS::AccountId": ACCOUNT, "AWS::Partition": PARTITION,
                  "AWS::StackName": "freshet", "AWS::URLSuffix": "amazonaws.com", "AWS::NoValue": NO_VALUE}
        if name in pseudo:
            return pseudo[name]
        if name in self.params:
            return self.params[name]
        if name in self.resources:
            if self.resources[name]["Type"] in ("AWS::SQS::Queue",):
                return f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{self.name_of(name)}"
            if self.resources[name]["Type"] in ("AWS::SNS::Topic", "AWS::Lambda::Version", "AWS::Lambda::Alias"):
                return self.arn_of(name) if self.resources[name]["Type"] == "AWS::SNS::Topic" else f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
            return self.name_of(name)
        raise TemplateError(f"!Ref of unknown name {name}")

    def get_att(self, logical_id, attribute):
        if attribute == "Arn":
            return self.arn_of(logical_id)
        if attribute == "QueueName":
            return self.name_of(logical_id)
        return f"{logical_id}.{attribute}"

    def sub(self, arg):
        text, variables = (arg[0], arg[1]) if isinstance(arg, list) else (arg, {})

        def replace(m):
            key = m.group(1)
            if key in variables:
                return str(self.resolve(variables[key]))
            if "." in key and not key.startswith("AWS::"):
                return str(self.get_att(*key.split(".", 1)))
            return str(self.ref(key))
        return re.sub(r"\$\{([^}!]+)\}", replace, text)

    def resolve(self, v):
        if isinstance(v, list):
            return [x for x in (self.resolve(i) for i in v) if x is not NO_VALUE]
        if not isinstance(v, dict):
            return v
        if len(v) == 1:
            (fn, arg), = v.items()
            if fn == "Ref":
                return self.ref(arg)
            if fn == "Fn::GetAtt":
                parts = arg if isinstance(arg, list) else arg.split(".", 1)
                return self.get_att(parts[0], parts[1])
            if fn == "Fn::Sub":
                return self.sub(arg)
            if fn == "Fn::If":
                return self.resolve(arg[1] if self.condition(arg[0]) else arg[2])
            if fn == "Fn::Join":
                return arg[0].join(str(x) for x in self.resolve(arg[1]))
            if fn == "Fn::Split":
                return str(self.resolve(arg[1])).split(arg[0])
            if fn == "Fn::Select":
                return self.resolve(arg[1])[int(self.resolve(arg[0]))]
            if fn == "Fn::Equals":
                a, b = self.resolve(arg[0]), self.resolve(arg[1])
                return str(a) == str(b)
            if fn == "Fn::Not":
                return not self.resolve(arg[0])
            if fn == "Fn::And":
                return all(self.resolve(x) for x in arg)
            if fn == "Fn::Or":
                return any(self.resolve(x) for x in arg)
            if fn == "Condition":
                return self.condition(arg)
        return {k: r for k, r in ((k, self.resolve(x)) for k, x in v.items()) if r is not NO_VALUE}


NO_VALUE = object()
logging.getLogger("samtranslator").setLevel(logging.ERROR)  # it warns of unpublished metrics


# ---------------------------------------------------------------- the policies

def policies(translated, resolver):
    """Every (location, kind, document) in the translated template, resolved; kind is identity or resource."""
    out = []
    for logical_id, resource in translated.get("Resources", {}).items():
        if "Condition" in resource and not resolver.condition(resource["Condition"]):
            continue
        kind = resource.get("Type")
        props = resource.get("Properties", {})
        if kind == "AWS::IAM::Role":
            for p in props.get("Policies", []) or []:
                p = resolver.resolve(p)
                if p:
                    out.append((f"{logical_id}/{p.get('PolicyName', '?')}", "identity", p["PolicyDocument"]))
            # The trust policy is not linted: parliament requires a Resource, which trust policies never have.
        elif kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            out.append((logical_id, "identity", resolver.resolve(props["PolicyDocument"])))
        elif kind in ("AWS::SQS::QueuePolicy", "AWS::S3::BucketPolicy", "AWS::SNS::TopicPolicy"):
            out.append((logical_id, "resource", resolver.resolve(props["PolicyDocument"])))
        elif kind == "AWS::Events::EventBusPolicy":
            statement = resolver.resolve(props["Statement"])
            statement.setdefault("Sid", resolver.resolve(props.get("StatementId", logical_id)))
            out.append((logical_id, "resource", {"Version": "2012-10-17", "Statement": [statement]}))
        elif kind == "AWS::Events::EventBus" and "Policy" in props:
            out.append((logical_id, "resource", resolver.resolve(props["Policy"])))
    return out


def lint(document):
    """Parliament's findings on one policy document, as (issue, detail) pairs."""
    policy = parliament.analyze_policy_string(json.dumps(document), include_community_auditors=True)
    return [(f.issue, json.dumps(f.detail, sort_keys=True, default=str)) for f in policy.findings]


def findings(template, parameter_sets, linted=None):
    translated = translate(template)
    out = {}
    for label, overrides in parameter_sets.items():
        resolver = Resolver(translated, overrides)
        for location, _, document in policies(translated, resolver):
            if linted is not None:
                linted.add(location)
            for issue, detail in lint(document):
                out.setdefault((location, issue, detail), []).append(label)
    return translated, out


# ---------------------------------------------------------------- the allow-list

def load_allowlist(path):
    entries = yaml.safe_load(Path(path).read_text()) or []
    for i, e in enumerate(entries):
        for key in ("issue", "location", "reason"):
            if not str(e.get(key, "")).strip():
                raise TemplateError(f"{path}: entry {i + 1} needs '{key}' (finding id, policy location, and why it is accepted)")
    return entries


def accepted_by(entry, location, issue, detail):
    return (entry["issue"] == issue and entry["location"] == location
            and str(entry.get("detail_contains", "")) in detail)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--template", default=str(ROOT / "template.yaml"))
    parser.add_argument("--allowlist", default=str(ROOT / ".ci" / "iam-allowlist.yaml"))
    parser.add_argument("--translated", help="also write the translated template (CloudFormation JSON) here")
    parser.add_argument("--self-test", action="store_true")
    parser.add_argument("--checkov-report", help="checkov's JSON report on the translated template")
    parser.add_argument("--triage", default=str(ROOT / "docs" / "deploy.md"), help="the document with the checkov triage table")
    args = parser.parse_args(argv)
    if args.self_test:
        return self_test()
    if args.checkov_report:
        return check_triage(args.checkov_report, args.triage)
    try:
        template = load_template(args.template)
        allow = load_allowlist(args.allowlist)
        linted = set()
        translated, found = findings(template, {"defaults": {}, "features on": FEATURES_ON}, linted)
    except TemplateError as e:
        print(f"lint-iam: {e}", file=sys.stderr)
        return 2
    if args.translated:
        Path(args.translated).write_text(json.dumps(translated, indent=1))
    used = set()
    bad = []
    for (location, issue, detail), labels in sorted(found.items()):
        hits = [i for i, e in enumerate(allow) if accepted_by(e, location, issue, detail)]
        used.update(hits)
        if not hits:
            bad.append(f"  {issue} in {location} ({', '.join(labels)}): {detail}")
    stale = [f"  {e['issue']} in {e['location']}: matches no finding any more; remove it" for i, e in enumerate(allow) if i not in used]
    print(f"lint-iam: parliament {parliament.__version__} on {len(linted)} policy documents ({', '.join(sorted(linted))}),"
          f" with the parameters' defaults and with every optional feature on")
    print(f"lint-iam: {len(found)} finding(s), {len(found) - len(bad)} accepted by {os.path.relpath(args.allowlist)}")
    if bad:
        print("lint-iam: findings not accepted (fix the policy, or accept it in the allow-list with a reason):", file=sys.stderr)
        print("\n".join(bad), file=sys.stderr)
    if stale:
        print("lint-iam: allow-list entries that accept nothing:", file=sys.stderr)
        print("\n".join(stale), file=sys.stderr)
    return 1 if bad or stale else 0


TRIAGE_LINE = re.compile(r"^\|\s*`?(CKV2?_[A-Z0-9]+_\d+)`?\s*\|\s*`?([A-Za-z0-9]+)`?\s*\|\s*(real \(fixed\)|accepted|false positive)\s*\|(.*)\|\s*$")


def check_triage(report_path, triage_path):
    """Every failed checkov check is triaged in the document, and every triage line still describes the template."""
    try:
        report = json.loads(Path(report_path).read_text())
    except (OSError, ValueError) as e:
        print(f"lint-iam: checkov gave no readable report ({report_path}): {e}", file=sys.stderr)
        return 2
    reports = report if isinstance(report, list) else [report]
    failed = set()
    version = "?"
    for r in reports:
        version = r.get("summary", {}).get("checkov_version", version)
        for f in r.get("results", {}).get("failed_checks", []):
            failed.add((f["check_id"], f["resource"].rsplit(".", 1)[-1], f.get("check_name", "")))
    triage = {}
    for number, line in enumerate(Path(triage_path).read_text().splitlines(), 1):
        m = TRIAGE_LINE.match(line)
        if m:
            check, resource, verdict, why = m.group(1), m.group(2), m.group(3), m.group(4).strip()
            if not why:
                print(f"lint-iam: {triage_path}:{number}: {check} on {resource} needs a reason", file=sys.stderr)
                return 1
            triage[(check, resource)] = verdict
    problems = []
    for check, resource, name in sorted(failed):
        verdict = triage.get((check, resource))
        if verdict is None:
            problems.append(f"  {check} on {resource} ({name}): not triaged; fix it, or add its line to {triage_path}")
        elif verdict == "real (fixed)":
            problems.append(f"  {check} on {resource} ({name}): triaged as fixed, but it fails again")
    failing = {(c, r) for c, r, _ in failed}
    for (check, resource), verdict in sorted(triage.items()):
        if verdict != "real (fixed)" and (check, resource) not in failing:
            problems.append(f"  {check} on {resource}: triaged as {verdict}, but checkov no longer reports it; update the line")
    print(f"lint-iam: checkov {version}: {len(failed)} failed check(s), each triaged in {os.path.relpath(triage_path)}"
          if not problems else f"lint-iam: checkov {version}: {len(failed)} failed check(s)")
    if problems:
        print("lint-iam: checkov findings and their triage disagree:", file=sys.stderr)
        print("\n".join(problems), file=sys.stderr)
        return 1
    return 0


def self_test():
    """The rules-sync statement as it was before issue 11 must be a finding; the fixed one must not."""
    template = load_template(ROOT / "template.yaml")
    statements = template["Resources"]["RulesSyncFunction"]["Properties"]["Policies"][0]["Statement"]
    listing = [s for s in statements if s.get("Action") == "events:ListRules"]
    assert len(listing) == 1, "template.yaml: rules-sync has one events:ListRules statement"
    _, clean = findings(template, {"defaults": {}})
    assert not [k for k in clean if k[0].startswith("RulesSyncFunctionRole") and "ListRules" in k[2]], clean
    listing[0]["Resource"] = {"Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/${Bus}/*"}
    _, broken = findings(template, {"defaults": {}})
    caught = [k for k in broken if k[0].startswith("RulesSyncFunctionRole") and k[1] == "RESOURCE_MISMATCH" and "events:ListRules" in k[2]]
    assert caught, f"events:ListRules on a rule ARN was not reported: {sorted(broken)}"
    print(f"lint-iam self-test: events:ListRules scoped to rule/${{Bus}}/* is reported: {caught[0][1]} in {caught[0][0]} {caught[0][2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
