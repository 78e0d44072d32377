"""StartRunFunction: starts a scheduled workflow, named by its business key (R39, R40).

See `staycertified.renewals.start` for the events it accepts.
"""

from __future__ import annotations

import os
from typing import Any

from staycertified.observability import lambda_entry, logger, metrics
from staycertified.renewals.start import StartRunEvent, start_run

STATE_MACHINES = {
    "renewals": "RENEWAL_STATE_MACHINE_ARN",
    "audit": "AUDIT_STATE_MACHINE_ARN",
}


def handle(event: dict[str, Any], *, client: Any = None) -> dict[str, Any]:
    from staycertified import aws, config

    parsed = StartRunEvent.model_validate(event)
    started = start_run(
        parsed,
        state_machine_arn=os.environ.get(STATE_MACHINES[parsed.workflow]),
        time_zone=config.settings().body_time_zone,
        client=client or aws.stepfunctions(),
        logger=logger,
    )
    metrics.add_metric(
        name=f"RunStart{started.status.title().replace('_', '')}", unit="Count", value=1
    )
    return started.model_dump(mode="json", by_alias=True)


lambda_handler = lambda_entry(handle)
