// Command pulumi-resource-kafka serves the Kafka resources that the pulumi-kafka Python SDK
// (pulumi_kafka==3.13.0) registers: Topic, Acl, Quota, UserScramCredential and the topic
// data sources, bridged from the Terraform provider for Kafka.
//
// The upstream pulumi-kafka provider module is not served by the Go module proxy this
// project can reach; its dependencies are. So bulkheads builds its own bridge with the same
// package name, version and resource tokens, which the SDK talks to unchanged.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/Mongey/terraform-provider-kafka/kafka"
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	shimv2 "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfshim/sdk-v2"
)

// version must equal the pulumi_kafka SDK's plugin version; set with -ldflags "-X main.version=...".
var version = "3.13.0"

// packageSchema is what GetSchema serves; the Python SDK is already generated, so the engine only
// needs the package identity from it.
const packageSchema = `{"name":"kafka","displayName":"Kafka","version":"%s"}`

// tolerateUnknownPassword wraps the SCRAM credential's diff check, which panics ("value is
// unknown") when the password is not known yet — in every preview of a new principal whose
// password comes from another resource. The check runs again once the value is known.
func tolerateUnknownPassword(p *schema.Provider) *schema.Provider {
	resource := p.ResourcesMap["kafka_user_scram_credential"]
	check := resource.CustomizeDiff
	resource.CustomizeDiff = func(ctx context.Context, d *schema.ResourceDiff, meta any) error {
		if !d.NewValueKnown("password") || !d.NewValueKnown("password_wo") {
			return nil
		}
		return check(ctx, d, meta)
	}
	return p
}

func providerInfo() tfbridge.ProviderInfo {
	return tfbridge.ProviderInfo{
		P:           shimv2.NewProvider(sharedACLListing(tolerateUnknownPassword(kafka.Provider()))),
		Name:        "kafka",
		Version:     version,
		DisplayName: "Kafka",
		Resources: map[string]*tfbridge.ResourceInfo{
			"kafka_topic": {Tok: "kafka:index/topic:Topic"},
			"kafka_acl": {
				Tok: "kafka:index/acl:Acl",
				// `resource_name` would clash with the SDK's own resource-name argument.
				Fields: map[string]*tfbridge.SchemaInfo{
					"resource_name": {Name: "aclResourceName"},
					"resource_type": {Name: "aclResourceType"},
				},
			},
			"kafka_quota":                 {Tok: "kafka:index/quota:Quota"},
			"kafka_user_scram_credential": {Tok: "kafka:index/userScramCredential:UserScramCredential"},
		},
		DataSources: map[string]*tfbridge.DataSourceInfo{
			"kafka_topic":  {Tok: "kafka:index/getTopic:getTopic"},
			"kafka_topics": {Tok: "kafka:index/getTopics:getTopics"},
		},
	}
}

// exitWithEngine ends this process once the engine that started it is gone: the engine starts
// providers in their own process group, so a killed engine (SIGKILL of `bulkheads up`) would
// otherwise leave this process running forever.
func exitWithEngine() {
	engine := os.Getppid()
	for range time.Tick(time.Second) {
		if os.Getppid() != engine {
			os.Exit(0)
		}
	}
}

func main() {
	go exitWithEngine()
	tfbridge.Main("kafka", version, providerInfo(), []byte(fmt.Sprintf(packageSchema, version)))
}
