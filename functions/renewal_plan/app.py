def lambda_handler(event, context):
    raise NotImplementedError("renewal_plan")
