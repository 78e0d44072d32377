"""Every notice the system sends, in one pipeline (R5, R43).

    catalogue.json the kinds, as data (read by catalogue.py): kind -> channels, subject,
                   letter title, template folder
    templates/     Jinja2: layout.txt / layout.html (email), letter.txt (letter body), one
                   folder per kind (email.txt, email.html, letter.txt)
    render.py      the one template engine (autoescaped HTML, StrictUndefined)
    channels.py    channel adapters (render + hand over) and the dispatch table ADAPTERS
    ledger.py      the once-only ledger protocol: claim, send, mark per message, leases
    outbox.py      `Outbox.send(notice)`: the one call every workflow makes
    email.py       SES transport (MIME text + HTML);  mailroom.py: letters to the mail bucket
    letters.py     the one PDF letter layout (#10 window envelope)

Every template sees the notice's own values and `org`, the organisation profile
(`staycertified.config.OrganisationProfile`: name, postal lines, email, portal
and pay URLs, from the template parameters), so no notice has a placeholder.

How to add a notice kind
------------------------
1. `catalogue.json`: add {"kind": "AUDIT_REMINDER", "channels": ["EMAIL", "MAIL"],
   "subject": "...{{ case_id }}...", "title": "CCP audit reminder",
   "folder": "audit_reminder", "rules": ["R26"]} to "kinds".
2. `templates/audit_reminder/`: `email.txt` (``{% extends "layout.txt" %}`` with a
   ``{% block body %}``), `email.html` (``{% extends "layout.html" %}``, same block;
   ``{% filter paragraphs %}{% include "<kind>/_paragraphs.txt" %}{% endfilter %}``
   shares the text with the other channels), and `letter.txt`
   (``{% extends "letter.txt" %}``; blank lines separate paragraphs, "## " starts
   a heading, "| label | value" lines make a table) for each channel it lists.
   Use `{{ org.name }}`, `{{ org.portal_url }}`... for the body's details.
3. Send it, with its business key, from the workflow (any handler kind):

       from staycertified.notify.outbox import Notice, Outbox
       with Outbox(table, claimant=f"{run_id}#{case_id}", run_id=run_id,
                   sent_on=today.isoformat()) as outbox:
           deliveries = outbox.send(Notice(
               kind="AUDIT_REMINDER", member=member, certificate_number=cert_no,
               period="2026", letter_key=f"audit-reminder/2026/{cert_no}",
               letter_date=today.isoformat(), context={...template values...}))

   (certificate_number, period, step = kind, channel) is the ledger key: a
   second send of the same key is ALREADY_SENT. Each `Delivery` says SENT,
   ALREADY_SENT, UNDELIVERABLE (R4: no address for that channel; recorded),
   CLAIMED_ELSEWHERE or FAILED, and `resent` (RESENT_AFTER_INTERRUPTION): count
   them in the run's report. Pass `transports={Channel.EMAIL: fake, ...}` in tests.
   A test checks that every kind has a template for each of its channels
   (tests/unit/notify).

How to add a channel (SMS, say)
-------------------------------
1. `Channel.SMS` in `domain.model`, and R4's "cannot be delivered" note for it
   in `domain.notices.deliveries` (no phone number -> `PHONE_NUMBER_MISSING`).
2. A channel adapter in `channels.py` (`render`, `deliver` returning what the
   ledger stores, `default_transport`: the sending client, built on first use)
   registered in `ADAPTERS`; its template name in `render.CHANNEL_TEMPLATES`.
3. Templates `templates/<kind>/sms.txt` for each kind that uses it, and the
   channel in those kinds' `channels` in the catalogue.
Nothing else changes: the ledger, the outbox and every workflow are channel-blind.
"""
