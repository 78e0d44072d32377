def lambda_handler(event, context):
    raise NotImplementedError("provider_ce")
