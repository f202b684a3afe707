package main

import (
	"encoding/json"

	"github.com/multiaccount/multiaccount"
)

// The output records of the SDK's types. Credentials print as [REDACTED]
// unless --reveal is given; the tool's own credentials are never in them.

func secret(s multiaccount.Secret, reveal bool) any {
	if s == "" {
		return ""
	}
	if reveal {
		return s.Reveal()
	}
	return s
}

func raw(m json.RawMessage) field { return field{name: "raw", value: m, jsonOnly: true} }

func subAccountRecord(s *multiaccount.SubAccount, reveal bool) record {
	return record{
		{name: "id", value: s.ID},
		{name: "name", value: s.Name},
		{name: "username", value: s.Username},
		{name: "email", value: s.Email},
		{name: "phone", value: s.Phone},
		{name: "status", value: s.Status},
		{name: "balance", value: s.Balance},
		{name: "api_keys", value: len(s.APIKeys)},
		{name: "password", value: secret(s.Password, reveal)},
		raw(s.Raw),
	}
}

// subAccountRecord is subAccountRecord with the invocation's --reveal.
func (a *app) subAccountRecord(s *multiaccount.SubAccount) record {
	return subAccountRecord(s, a.flags.reveal)
}

func apiKeyRecord(k *multiaccount.APIKey, reveal bool) record {
	return record{
		{name: "label", value: k.Label},
		{name: "key", value: secret(k.Key, reveal)},
		raw(k.Raw),
	}
}

func callRecord(c *multiaccount.CallRecord) record {
	return record{
		{name: "id", value: c.ID},
		{name: "account_id", value: c.AccountID},
		{name: "from", value: c.From},
		{name: "to", value: c.To},
		{name: "start", value: c.Start},
		{name: "duration_seconds", value: c.Duration},
		raw(c.Raw),
	}
}

func chargeRecord(c multiaccount.Charge) record {
	return record{
		{name: "description", value: c.Description},
		{name: "amount", value: c.Amount},
	}
}

func accountRecord(a *multiaccount.Account) record {
	return record{
		{name: "name", value: a.Name},
		{name: "username", value: a.Username},
		{name: "email", value: a.Email},
		{name: "balance", value: a.Balance},
		{name: "enabled", value: a.Enabled},
		{name: "created", value: a.Created},
		raw(a.Raw),
	}
}

func sessionRecord(s *multiaccount.Session, reveal bool) record {
	return record{
		{name: "first_account_id", value: s.FirstAccountID},
		{name: "expires", value: s.Expires},
		{name: "token", value: secret(s.Token, reveal)},
	}
}

func registrationRecord(r *multiaccount.SIPRegistration) record {
	return record{
		{name: "uri", value: r.URI},
		{name: "agent", value: r.Agent},
		raw(r.Raw),
	}
}

func newAccountRecord(n *multiaccount.NewAccount, reveal bool) record {
	return record{
		{name: "username", value: n.Username},
		{name: "password", value: secret(n.Password, reveal)},
		raw(n.Raw),
	}
}

func userRecord(u *multiaccount.User) record {
	return record{
		{name: "id", value: u.ID},
		{name: "name", value: u.Name},
		{name: "email", value: u.Email},
		{name: "role", value: u.Role},
		{name: "status", value: u.Status},
		raw(u.Raw),
	}
}

func creditRecord(c *multiaccount.Credit) record {
	return record{
		{name: "date", value: c.Date},
		{name: "amount", value: c.Amount},
		{name: "paid", value: c.Paid},
		raw(c.Raw),
	}
}

func paymentRecord(p *multiaccount.Payment) record {
	return record{
		{name: "date", value: p.Date},
		{name: "amount", value: p.Amount},
		{name: "transaction_id", value: p.TransactionID},
		{name: "status", value: p.Status},
		{name: "payer_email", value: p.PayerEmail},
		raw(p.Raw),
	}
}

// resultRecord reports an operation that returns nothing but success.
func resultRecord(id, result string) record {
	return record{{name: "id", value: id}, {name: "result", value: result}}
}
