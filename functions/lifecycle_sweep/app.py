def lambda_handler(event, context):
    raise NotImplementedError("lifecycle_sweep")
