"""Invoices and payments (R3, R6, R7): the use-cases (`service`: invoices listed, staff
and provider payments recorded, refusals with stable codes) and the provider's webhook
signature (`signature`). The webhook's HTTP route is `api.payment_webhook`.
"""
