"""`make checkov`: checkov over the template as written (SAM) and as translated (CloudFormation).

Issue 10: the SAM template hides what AWS really gets (roles, policies, event
source mappings), so checkov reads both. checkov lives in its own locked
environment (tools/checkov/uv.lock: it pins a boto3 the project's lock cannot
hold); this script runs in the project's environment, translates the template
with samtranslator as `sam deploy` would (offline, the sandbox's translator)
and calls that checkov on both files.

Every check we do not pass is listed in tools/checkov/skips.json with its
reason (for every resource, or for the resources it names); a skip without a
reason, or one that no longer matches anything, fails the run so the list stays honest.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SKIPS = Path(__file__).with_name("skips.json")
# JSON on stdout, our own verdict (soft-fail), no calls to Bridgecrew's platform.
CHECKOV_OPTIONS = ["--output", "json", "--quiet", "--soft-fail", "--skip-download"]


def translated_template(target: Path) -> Path:
    from staycertified_sandbox import template as sandbox_template

    sam = sandbox_template.load_template(ROOT / "template.yaml")
    packaged, _ = sandbox_template.package(sam, ROOT)
    parameters = sandbox_template.parameter_values(sam, {})
    parameters.update(
        sandbox_template.pseudo_parameters("staycertified", "us-east-1", "123456789012")
    )
    cfn = sandbox_template.sam_translate(packaged, parameters)
    target.write_text(json.dumps(cfn, indent=1, default=str))
    return target


@dataclass(frozen=True)
class Skip:
    check: str
    resources: frozenset[str] | None  # None: every resource
    reason: str

    def covers(self, failed: dict[str, Any]) -> bool:
        if failed["check_id"] != self.check:
            return False
        return self.resources is None or failed["resource"] in self.resources


def load_skips() -> list[Skip]:
    skips = []
    for entry in json.loads(SKIPS.read_text()):
        if len(entry.get("reason", "").strip()) < 40:
            raise SystemExit(f"{SKIPS.name}: {entry['check']} is skipped without a reason")
        resources = entry["resources"]
        chosen = None if resources == "*" else frozenset(resources)
        skips.append(Skip(entry["check"], chosen, entry["reason"]))
    return skips


def failures(checkov: Path, template: Path) -> list[dict[str, Any]]:
    run = subprocess.run(
        [str(checkov), "-f", str(template), "--framework", "cloudformation", *CHECKOV_OPTIONS],
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0 or not run.stdout.strip():
        raise SystemExit(f"checkov did not run on {template.name}:\n{run.stderr[-2000:]}")
    report = json.loads(run.stdout)
    reports = report if isinstance(report, list) else [report]
    return [failed for part in reports for failed in part["results"]["failed_checks"]]


def main(argv: list[str]) -> int:
    checkov = Path(argv[0]) if argv else ROOT / ".tools/checkov/bin/checkov"
    skips = load_skips()
    used: set[Skip] = set()
    unexplained: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        templates = {
            "template.yaml": ROOT / "template.yaml",
            "translated": translated_template(Path(folder) / "template.translated.json"),
        }
        with ThreadPoolExecutor(max_workers=2) as pool:  # two checkov processes at once
            found = dict(
                zip(
                    templates,
                    pool.map(lambda t: failures(checkov, t), templates.values()),
                    strict=True,
                )
            )
    for label, failed_checks in found.items():
        for failed in failed_checks:
            skip = next((skip for skip in skips if skip.covers(failed)), None)
            if skip is None:
                unexplained.append(
                    f"{label}: {failed['check_id']} {failed['check_name']} ({failed['resource']})"
                )
            else:
                used.add(skip)
    for line in unexplained:
        print(f"checkov: {line}")
    for skip in skips:
        if skip not in used:
            print(f"checkov: {SKIPS.name} skips {skip.check}, which no longer fails: remove it")
    if unexplained or len(used) < len(skips):
        return 1
    print(
        f"checkov: template.yaml and its translation pass; {len(skips)} skips, each with its reason in {SKIPS.name}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
