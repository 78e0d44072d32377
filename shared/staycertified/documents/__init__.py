"""Documents members upload (R15), for audit cases and recertification applications.

`owners`: which owner a purpose names and what it says about uploads (pluggable);
`grants`: the upload grant (an S3 presigned POST) and the member's list;
`downloads`: a document for staff review, with a short-lived download (R27);
`checks`: the bucket's side (DocumentUploadedFunction): content, size, one object
per grant, removal of what fails.
"""
