"""An explicit ``pulumi_kafka.Provider`` per cluster, fed from the cluster's connection outputs.

Because the provider takes Outputs, a cluster and its topics/ACLs/quotas are planned in one
preview; nothing reads ambient ``kafka:*`` stack config.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_kafka

SCRAM_SHA_512 = "scram-sha512"
AWS_IAM = "aws-iam"


@dataclass(frozen=True)
class KafkaConnection:
    """How the provider reaches a cluster as its admin principal.

    SCRAM (default) logs in with ``sasl_username`` / ``sasl_password`` (wrapped as a secret
    whatever is passed in); ``aws-iam`` (MSK) signs with the deployer's AWS credentials for
    ``aws_region``. ``tls_enabled`` defaults to True (MSK/Strimzi); set False for the local
    SASL_PLAINTEXT listener on loopback. ``ca_cert`` (PEM) is the CA the brokers'
    certificates chain to (Strimzi); None trusts the system roots (MSK).
    """

    bootstrap_servers: pulumi.Input[Sequence[str]]
    sasl_username: pulumi.Input[str] | None = None
    sasl_password: pulumi.Input[str] | None = None
    tls_enabled: bool = True
    sasl_mechanism: str = SCRAM_SHA_512
    ca_cert: str | None = None
    aws_region: str | None = None


def kafka_provider(
    name: str, connection: KafkaConnection, opts: pulumi.ResourceOptions | None = None
) -> pulumi_kafka.Provider:
    """The provider for one cluster, named ``name`` (e.g. ``<cluster>-kafka``)."""
    return pulumi_kafka.Provider(
        name,
        bootstrap_servers=connection.bootstrap_servers,
        sasl_mechanism=connection.sasl_mechanism,
        sasl_username=connection.sasl_username,
        sasl_password=(
            pulumi.Output.secret(connection.sasl_password)
            if connection.sasl_password is not None
            else None
        ),
        sasl_aws_region=connection.aws_region,
        tls_enabled=connection.tls_enabled,
        ca_cert=connection.ca_cert,
        opts=opts,
    )
