"""Pure helpers for the cloud layer: CIDR splits, tags, IAM documents, AutoMQ settings.

No Pulumi import here; the components in ``components/`` turn these values into resources.
"""
