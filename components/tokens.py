"""Type tokens of bulkheads components and the provider resource types they use.

One module, so that components, policies and tests agree on every string.
Component tokens follow ``bulkheads:<layer>:<Type>``; they are part of each URN,
so a rename needs an alias (see ``components/README.md``).
"""

from bulkheads.plan.manifests.core import EKS_VPC_RESOURCES_API_VERSION as EKS_VPC_RESOURCES_API
from bulkheads.plan.manifests.strimzi import API_VERSION as STRIMZI_API

# bulkheads components
PLATFORM = "bulkheads:platform:Platform"
NETWORK = "bulkheads:network:Network"
CLUSTER = "bulkheads:cluster:Cluster"
DATA_PLANE = "bulkheads:cluster:DataPlane"
TOPIC_CONTRACT = "bulkheads:topic:TopicContract"
PRINCIPAL = "bulkheads:access:Principal"
ACCESS_GRANT = "bulkheads:access:AccessGrant"
QUOTA = "bulkheads:quota:Quota"
WORKER_POOL = "bulkheads:runtime:WorkerPool"
CONNECTOR = "bulkheads:runtime:Connector"
REPLAY_SCHEDULER = "bulkheads:runtime:ReplayScheduler"
KAFKA_EXPORTER = "bulkheads:ops:KafkaExporter"

# pulumi-kafka resources
KAFKA_PROVIDER = "pulumi:providers:kafka"
KAFKA_TOPIC = "kafka:index/topic:Topic"
KAFKA_ACL = "kafka:index/acl:Acl"
KAFKA_QUOTA = "kafka:index/quota:Quota"
KAFKA_SCRAM_CREDENTIAL = "kafka:index/userScramCredential:UserScramCredential"

# Props every bulkheads component carries so that policies can read the intent.
PROP_OWNER = "owner"
PROP_CLASS = "workload_class"
PROP_ENVIRONMENT = "environment"
PROP_CLUSTER = "cluster"
PROP_POOL = "pool"

# Kafka Connect runtime (issue 5): Python dynamic resources and Kubernetes kinds
CONNECT_REST_CONNECTOR = "pulumi-python:dynamic/bulkheads:ConnectRestConnector"
LOCAL_WORKER = "pulumi-python:dynamic/bulkheads:LocalWorker"
K8S_NAMESPACE = "kubernetes:core/v1:Namespace"
K8S_SECRET = "kubernetes:core/v1:Secret"
K8S_NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
K8S_ROLE = "kubernetes:rbac.authorization.k8s.io/v1:Role"
K8S_ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"
K8S_SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount"
K8S_CRON_JOB = "kubernetes:batch/v1:CronJob"
STRIMZI_API_VERSION = STRIMZI_API
STRIMZI_KAFKA_CONNECT = "kubernetes:kafka.strimzi.io/v1beta2:KafkaConnect"
STRIMZI_KAFKA_CONNECTOR = "kubernetes:kafka.strimzi.io/v1beta2:KafkaConnector"

# Provider resources the policy pack judges (issue 6); the exact tokens of pulumi-aws 7.51.1
# and pulumi-kubernetes 4.34.2.
AWS_S3_BUCKET = "aws:s3/bucket:Bucket"
AWS_S3_BUCKET_V2 = "aws:s3/bucketV2:BucketV2"
AWS_S3_BUCKET_SSE = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
)
AWS_S3_BUCKET_SSE_V2 = (
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
)
AWS_S3_PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
AWS_SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
AWS_SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
AWS_SECURITY_GROUP_INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
AWS_MSK_CLUSTER = "aws:msk/cluster:Cluster"
K8S_DEPLOYMENT = "kubernetes:apps/v1:Deployment"
K8S_POD_DISRUPTION_BUDGET = "kubernetes:policy/v1:PodDisruptionBudget"

# Cloud layer (issue 7): the other resource types of Network and Cluster (pulumi-aws 7.51.1,
# pulumi-kubernetes 4.34.2).
AWS_VPC = "aws:ec2/vpc:Vpc"
AWS_SUBNET = "aws:ec2/subnet:Subnet"
AWS_ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
AWS_ROUTE_TABLE_ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
AWS_VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
AWS_FLOW_LOG = "aws:ec2/flowLog:FlowLog"
AWS_SECURITY_GROUP_EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
AWS_LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
AWS_IAM_ROLE = "aws:iam/role:Role"
AWS_IAM_ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
AWS_IAM_POLICY = "aws:iam/policy:Policy"
AWS_IAM_ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
AWS_KMS_KEY = "aws:kms/key:Key"
AWS_S3_OWNERSHIP_CONTROLS = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
AWS_S3_LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
AWS_S3_BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
AWS_MSK_CONFIGURATION = "aws:msk/configuration:Configuration"
AWS_MSK_SCRAM_ASSOCIATION = "aws:msk/singleScramSecretAssociation:SingleScramSecretAssociation"
AWS_SECRET = "aws:secretsmanager/secret:Secret"
AWS_SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
STRIMZI_KAFKA = "kubernetes:kafka.strimzi.io/v1beta2:Kafka"
STRIMZI_KAFKA_NODE_POOL = "kubernetes:kafka.strimzi.io/v1beta2:KafkaNodePool"
STRIMZI_KAFKA_USER = "kubernetes:kafka.strimzi.io/v1beta2:KafkaUser"
K8S_PROVIDER = "pulumi:providers:kubernetes"
EKS_VPC_RESOURCES_API_VERSION = EKS_VPC_RESOURCES_API
EKS_SECURITY_GROUP_POLICY = "kubernetes:vpcresources.k8s.aws/v1beta1:SecurityGroupPolicy"

# Operations layer (issue 15): metrics and alerting (prometheus-operator monitoring.coreos.com/v1)
K8S_CONFIG_MAP = "kubernetes:core/v1:ConfigMap"
MONITORING_API_VERSION = "monitoring.coreos.com/v1"
PROMETHEUS_RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule"
POD_MONITOR = "kubernetes:monitoring.coreos.com/v1:PodMonitor"
