"""Documents members upload (R15), for audit cases and recertification applications.

`owners`: which owner a purpose names and what it says about uploads (pluggable);
`grants`: the upload grant (an S3 presigned POST) and the member's list;
`checks`: the bucket's side (DocumentUploadedFunction): content, size, one object
per grant, removal of what fails.
"""
