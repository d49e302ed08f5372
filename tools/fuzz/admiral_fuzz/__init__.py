"""Admiral's protocol fuzzer: requests generated from botocore's service models, sent
signed (and mis-signed) over raw HTTP, each answer checked against the AWS protocol's
shapes. See tools/fuzz/README.md."""
