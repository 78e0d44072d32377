"""Recertification applications (R28-R33): the store, the review workflow's steps,
the routes' service, and the exam vendor's results.

- `model`: the application as stored (one item) and its statuses;
- `store`: keys and conditional writes (one open application per certification, the
  fee invoice created with the application, each exam attempt once);
- `service`: what the member and staff routes do;
- `workflow`: the steps of `statemachines/recertification_review.asl.json`;
- `exam`: the exam vendor's signed results (`POST /exam-results/webhook`).

The decisions are the domain's (`domain.recertification`, `domain.eligibility`).
"""
