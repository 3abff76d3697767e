"""Broker settings every bulkheads cluster gets, on MSK and Strimzi alike.

Topics exist only through the data plane, nothing is allowed without an ACL, and every
partition has three replicas with two in sync.
"""

BASE_BROKER_CONFIG = {
    "auto.create.topics.enable": "false",
    "allow.everyone.if.no.acl.found": "false",
    "default.replication.factor": "3",
    "min.insync.replicas": "2",
    "offsets.topic.replication.factor": "3",
    "transaction.state.log.replication.factor": "3",
    "transaction.state.log.min.isr": "2",
}
