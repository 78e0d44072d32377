"""Recertification applications (R28-R33): the store, the review workflow's steps,
and the exam vendor's results recorded.

- `applications`: the use-cases (create, read, submit, staff decisions resuming the
  review), refusals with stable codes;
- `store`: keys and conditional writes (one open application per certification, the
  fee invoice created with the application, each exam attempt once);
- `workflow`: the steps of `statemachines/recertification_review.asl.json`;
- `exam`: an exam attempt's result recorded once, the waiting review resumed (R31, R33);
- `notices`, `uploads`: the application's notices and proof documents.

The application itself is `domain.application` (the aggregate, its statuses); the
decisions are the domain's (`domain.recertification`, `domain.eligibility`). The HTTP
edge is `api.applications` (member and staff routes) and `api.exam_webhook` (the
vendor's signed webhook).
"""
