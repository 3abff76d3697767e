package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/IBM/sarama"
	"github.com/Mongey/terraform-provider-kafka/kafka"
	"github.com/hashicorp/terraform-plugin-sdk/v2/diag"
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
)

// ACL visibility after a create: the upstream create lists every ACL of the cluster once per
// created ACL (and again every 200 ms until it shows), each list after its own cache
// invalidation, so the creates of one batch list the whole cluster one after the other: a
// first `up` of N ACLs costs N full listings. Here the creates that wait at the same time
// share one listing taken after they were all acknowledged.
// A listing started up to `batchSlack` before a create was acknowledged is taken for it:
// the creates of one batch are acknowledged together and wake a little apart. One that misses
// the ACL only costs a retry, on a listing started after the retry began.
const (
	visibleAttempts = 10
	visibleRetry    = 200 * time.Millisecond
	batchSlack      = 20 * time.Millisecond
)

// aclListing is the newest full ACL listing and when it was started, shared by every create.
type aclListing struct {
	mu      sync.Mutex
	started time.Time
	acls    []*sarama.ResourceAcls
}

// since returns a listing started after `after`: the shared one if it is, else a new one.
func (l *aclListing) since(c *kafka.LazyClient, after time.Time) ([]*sarama.ResourceAcls, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.started.After(after) {
		return l.acls, nil
	}
	started := time.Now()
	if err := c.InvalidateACLCache(); err != nil {
		return nil, err
	}
	acls, err := c.ListACLs()
	if err != nil {
		return nil, err
	}
	l.started, l.acls = started, acls
	return acls, nil
}

// aclOf is the ACL a kafka_acl resource declares, as the upstream provider spells it.
func aclOf(d *schema.ResourceData) kafka.StringlyTypedACL {
	return kafka.StringlyTypedACL{
		ACL: kafka.ACL{
			Principal:      d.Get("acl_principal").(string),
			Host:           d.Get("acl_host").(string),
			Operation:      d.Get("acl_operation").(string),
			PermissionType: d.Get("acl_permission_type").(string),
		},
		Resource: kafka.Resource{
			Type:              d.Get("resource_type").(string),
			Name:              d.Get("resource_name").(string),
			PatternTypeFilter: d.Get("resource_pattern_type_filter").(string),
		},
	}
}

// listed reports whether `acls` holds `want`.
func listed(acls []*sarama.ResourceAcls, want kafka.StringlyTypedACL) bool {
	for _, resource := range acls {
		if resource.ResourceName != want.Resource.Name {
			continue
		}
		for _, acl := range resource.Acls {
			found := kafka.StringlyTypedACL{
				ACL: kafka.ACL{
					Principal:      acl.Principal,
					Host:           acl.Host,
					Operation:      kafka.ACLOperationToString(acl.Operation),
					PermissionType: kafka.ACLPermissionTypeToString(acl.PermissionType),
				},
				Resource: kafka.Resource{
					Type:              kafka.ACLResourceToString(resource.ResourceType),
					Name:              resource.ResourceName,
					PatternTypeFilter: resource.ResourcePatternType.String(),
				},
			}
			if found.String() == want.String() {
				return true
			}
		}
	}
	return false
}

// sharedACLListing replaces kafka_acl's create: the upstream batched create request, then a
// wait until the ACL is listed (up to 10 tries 200 ms apart, as upstream) on listings shared
// by the creates waiting at the same time.
func sharedACLListing(p *schema.Provider) *schema.Provider {
	listing := &aclListing{}
	p.ResourcesMap["kafka_acl"].CreateContext = func(
		ctx context.Context, d *schema.ResourceData, meta any,
	) diag.Diagnostics {
		c := meta.(*kafka.LazyClient)
		want := aclOf(d)
		if err := c.CreateACL(want); err != nil {
			return diag.FromErr(err)
		}
		d.SetId(want.String())
		for attempt := 0; attempt < visibleAttempts; attempt++ {
			acls, err := listing.since(c, time.Now().Add(-batchSlack))
			if err != nil {
				return diag.FromErr(err)
			}
			if listed(acls, want) {
				return nil
			}
			select {
			case <-ctx.Done():
				return diag.FromErr(ctx.Err())
			case <-time.After(visibleRetry):
			}
		}
		return diag.FromErr(fmt.Errorf("ACL %s was created but not listed by the cluster "+
			"after %d tries %v apart", want, visibleAttempts, visibleRetry))
	}
	return p
}
