"""Representative spec mappings for plan and component tests (validated by the tests)."""

from __future__ import annotations

from typing import Any

LOCAL_SPEC: dict[str, Any] = {
    "environment": "local",
    "owners": {
        "orders": {"contact": "#orders", "oncall": "pagerduty:orders"},
        "analytics": {"contact": "#analytics", "oncall": "pagerduty:analytics"},
    },
    "network": {"kind": "local"},
    "clusters": {
        "local": {
            "engine": "kafka",
            "tenancy": "shared",
            "serves": ["live", "derived", "replay"],
            "deploy": {"kind": "local", "bootstrap": "127.0.0.1:19092"},
            "owner": "orders",
        }
    },
    "classes": {
        "live": {"replication_factor": 1, "min_insync_replicas": 1},
        "derived": {"replication_factor": 1, "min_insync_replicas": 1},
        "replay": {"replication_factor": 1, "min_insync_replicas": 1},
    },
    "pools": {
        "live-ingest": {
            "cluster": "local",
            "class": "live",
            "owner": "orders",
            "runtime": {"kind": "local", "rest_port": 18083},
        },
        "derived-sinks": {
            "cluster": "local",
            "class": "derived",
            "owner": "analytics",
            "runtime": {"kind": "local", "rest_port": 18084},
        },
        "replay": {
            "cluster": "local",
            "class": "replay",
            "owner": "orders",
            "runtime": {"kind": "local", "rest_port": 18085},
            "plugins": {
                "replay": {
                    "artifacts": ["org.example:replay-connector:1.0.0"],
                    "classes": ["org.example.ReplayConnector"],
                }
            },
        },
    },
    "pipelines": {
        "orders-cdc": {
            "kind": "source",
            "owner": "orders",
            "pool": "live-ingest",
            "connector": {
                "class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
                "config": {"file": ".state/local/data/orders.jsonl", "topic": "raw.orders.events"},
            },
            "writes": [{"topic": "raw.orders.events", "partitions": 6}],
            "quota": {"producer_byte_rate": "10MiB"},
        },
        "orders-archive": {
            "kind": "sink",
            "owner": "analytics",
            "pool": "derived-sinks",
            "connector": {
                "class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
                "config": {
                    "file": ".state/local/data/archive.jsonl",
                    "topics": "raw.orders.events",
                },
            },
            "reads": ["raw.orders.events"],
        },
        "orders-rebuild": {
            "kind": "replay",
            "owner": "orders",
            "pool": "replay",
            "connector": {"class": "org.example.ReplayConnector"},
            "reads": ["raw.orders.events"],
            "writes": [{"topic": "derived.orders.rebuilt", "retention": "2d"}],
        },
    },
}

TWO_CLUSTER_SPEC: dict[str, Any] = {
    "environment": "prod",
    "owners": {
        "payments": {"contact": "#payments", "oncall": "pagerduty:payments"},
        "search": {"contact": "#search", "oncall": "pagerduty:search"},
    },
    "network": {"kind": "aws", "region": "eu-west-1", "cidr": "10.40.0.0/16"},
    "clusters": {
        "ingest": {
            "engine": "kafka",
            "tenancy": "dedicated",
            "serves": ["live"],
            "deploy": {"kind": "msk"},
            "owner": "payments",
        },
        "delivery": {
            "engine": "kafka",
            "tenancy": "shared",
            "serves": ["derived"],
            "deploy": {"kind": "msk"},
            "owner": "search",
        },
    },
    "pools": {
        "live-cdc": {
            "cluster": "ingest",
            "class": "live",
            "owner": "payments",
            "runtime": {"kind": "kubernetes"},
            "plugins": {
                "debezium-postgres": {
                    "artifacts": ["io.debezium:debezium-connector-postgres:3.6.1.Final"],
                    "classes": ["io.debezium.connector.postgresql.PostgresConnector"],
                }
            },
        },
        "mirror": {
            "cluster": "delivery",
            "class": "derived",
            "owner": "payments",
            "runtime": {"kind": "kubernetes"},
        },
        "search-sinks": {
            "cluster": "delivery",
            "class": "derived",
            "owner": "search",
            "runtime": {"kind": "kubernetes"},
            "plugins": {
                "elasticsearch": {
                    "artifacts": ["io.confluent:kafka-connect-elasticsearch:15.0.1"],
                    "classes": ["io.confluent.connect.elasticsearch.ElasticsearchSinkConnector"],
                }
            },
        },
    },
    "pipelines": {
        "payments-cdc": {
            "kind": "source",
            "owner": "payments",
            "pool": "live-cdc",
            "connector": {"class": "io.debezium.connector.postgresql.PostgresConnector"},
            "writes": [{"topic": "raw.payments.transactions", "partitions": 12}],
        },
        "payments-mirror": {
            "kind": "mirror",
            "owner": "payments",
            "pool": "mirror",
            "source_cluster": "ingest",
            "reads": ["raw.payments.transactions"],
        },
        "search-index": {
            "kind": "sink",
            "owner": "search",
            "pool": "search-sinks",
            "connector": {"class": "io.confluent.connect.elasticsearch.ElasticsearchSinkConnector"},
            "reads": ["raw.payments.transactions"],
        },
    },
}
