package multiaccount

import (
	"encoding/json"
	"time"
)

// ListOptions selects one page of a list. A nil *ListOptions asks for the
// first page at the vendor's default size.
type ListOptions struct {
	// PageSize is the number of items per page; 0 means the vendor's
	// default. Ignored where the vendor does not page.
	PageSize int
	// Cursor is the opaque NextCursor of the previous page; "" for the
	// first page.
	Cursor string
	// Active, when set, lists only active (true) or only inactive (false)
	// sub-accounts. Woodpecker v2 filters its companies so (its active
	// query parameter); every other vendor and list refuses it with a
	// *ValidationError. Pass the same value with each page's Cursor.
	Active *bool
}

// SubAccountPage is one page of sub-accounts.
type SubAccountPage struct {
	Items []*SubAccount
	// Total is the number of sub-accounts across all pages, or -1 when the
	// vendor does not say. Where the vendor does not page it is len(Items).
	Total int
	// NextCursor fetches the next page; "" on the last page.
	NextCursor string
}

// SubAccount is one sub-account (a company, for Woodpecker; an account of
// the agency, for CallTrackingMetrics). IDs are strings whatever the vendor
// uses.
type SubAccount struct {
	ID       string
	Name     string
	Username string
	Email    string
	Phone    string
	Status   string
	// APIKeys are the sub-account's own keys, where the vendor lists them.
	APIKeys []APIKey
	// Password is set only when the vendor returns a generated one.
	Password Secret
	// Balance is the account's balance where the vendor reports one.
	Balance *float64
	// Raw is the vendor's object, with credential fields replaced by
	// "[REDACTED]".
	Raw json.RawMessage
}

// SubAccountCreate describes a sub-account to create. Each field says which
// vendors use it; a field the chosen vendor requires but that is empty gives
// a *ValidationError before any request.
type SubAccountCreate struct {
	// Name: VoiceTel (required), Kaleyra account_name (required),
	// Woodpecker company name (required), SerwerSMS (optional).
	Name string
	// Username: VoiceTel (required, 10 digits), SerwerSMS
	// subaccount_username (required, 3–20 of a-z A-Z 0-9 _ @ .).
	Username string
	// Email: VoiceTel and Kaleyra (required), SerwerSMS (optional).
	Email string
	// Phone: SerwerSMS (optional).
	Phone string
	// Password: SerwerSMS subaccount_password (required, 3–20 characters).
	Password Secret
	// TemplateID: SerwerSMS subaccount_id, the sub-account whose rights are
	// copied (required).
	TemplateID string
	// MasterAccount: VoiceTel billing account (optional, 10 digits).
	MasterAccount string
	// Country: Kaleyra country_iso_code (required, two letters).
	Country string
	// Channels: Kaleyra channels, e.g. ["sms"] (required).
	Channels []string
	// CreditType: Kaleyra subaccount_credit_type, "assigned" or "shared"
	// (required).
	CreditType string
	// Invite: Kaleyra is_invited, whether the new sub-account's user gets
	// an invitation e-mail. The vendor marks the field mandatory, so it is
	// always sent: nil sends false (no e-mail), the documented default; set
	// it (Ptr(true)) to invite. Other vendors refuse it when set.
	Invite *bool
	// InitialCredit: Kaleyra credit_amount, the initial credit of an
	// "assigned" sub-account (required then, positive; the vendor answers
	// RBC2345 without it). Refused for "shared" sub-accounts, which draw
	// on the parent's credit, and by other vendors.
	InitialCredit *float64
	// TimeZone: CallTrackingMetrics timezone_hint, the new account's IANA
	// time zone such as "America/New_York" (required there; the zone its
	// zoneless call times are read in). Refused by other vendors.
	TimeZone string
}

// SubAccountUpdate changes a sub-account. Only the fields that are set
// (non-nil) are sent, zero values included; [Ptr] sets one inline:
// &SubAccountUpdate{Name: Ptr("Acme"), LowBalanceAlert: Ptr(false)}.
type SubAccountUpdate struct {
	// Name: Kaleyra account_name.
	Name *string
	// Email: no vendor lets a sub-account's e-mail change through its API
	// (Kaleyra's portal says it cannot be changed); set, it is refused with
	// a *ValidationError.
	Email *string
	// LowBalanceAlert: Kaleyra low_balance_alert.
	LowBalanceAlert *bool
	// Status: Kaleyra's update documents no status field; set, it is
	// refused with a *ValidationError rather than sent undocumented.
	Status *string
	// CreditAmount: Kaleyra credit_amount, the credit of an "assigned"
	// sub-account (non-negative).
	CreditAmount *float64
}

// User is one user of a sub-account (a Woodpecker company's users). The
// vendor does not document the user object's fields: the SDK reads the
// common spellings and keeps the whole object in Raw.
type User struct {
	ID    string
	Name  string
	Email string
	// Role is the user's role in the sub-account, where the vendor says.
	Role string
	// Status is the user's status (e.g. active), where the vendor says.
	Status string
	// Raw is the vendor's object, with credential fields replaced by
	// "[REDACTED]".
	Raw json.RawMessage
}

// UserPage is one page of a sub-account's users.
type UserPage struct {
	Items []*User
	// Total is the number of users across all pages, or -1 when the
	// vendor does not say.
	Total int
	// NextCursor fetches the next page; "" on the last page.
	NextCursor string
}

// Recharge is the result of SubAccounts.Recharge: credit added to a
// sub-account.
type Recharge struct {
	// SubAccountID is the sub-account recharged.
	SubAccountID string
	// Amount is the amount added, as sent.
	Amount float64
	// Balance is the sub-account's balance after the recharge, when the
	// vendor's answer carries it (nil otherwise: read it with
	// SubAccounts.Get).
	Balance *float64
	// Raw is the vendor's answer (its data, where it has an envelope).
	Raw json.RawMessage
}

// MessageLimit is a per-type message limit (SerwerSMS: Type is one of eco,
// full, voice, mms, hlr; Value ≥ 0).
type MessageLimit struct {
	Type  string
	Value int
}

// APIKey is an API key. Key is a Secret: it prints as "[REDACTED]".
type APIKey struct {
	Key   Secret
	Label string
	Raw   json.RawMessage
}

// CallQuery selects call records.
type CallQuery struct {
	// AccountID is the sub-account whose calls are listed (required for
	// CallTrackingMetrics; VoiceTel lists the key's own account).
	AccountID string
	// Start and End bound the calls. Where the vendor filters by date, both
	// become UTC dates and End's date is included. Zero means the vendor's
	// default.
	Start, End time.Time
	// PageSize is the number of records per request where the vendor pages.
	PageSize int
	// Cursor resumes a listing: "" for the first page, otherwise a
	// CallPage.NextCursor from an earlier call with the same query. It is
	// opaque (CallTrackingMetrics: a page number).
	Cursor string
	// Location is the account's time zone, for CallTrackingMetrics calls
	// that carry only their local called_at. nil reads it from the
	// account (UTC when the account names no zone the SDK knows).
	Location *time.Location
}

// CallPage is one page of call records from Records.CallsPage.
type CallPage struct {
	Items []*CallRecord
	// NextCursor fetches the next page when set as CallQuery.Cursor; ""
	// on the last page.
	NextCursor string
}

// CallRecord is one call.
type CallRecord struct {
	ID        string
	AccountID string
	From      string
	To        string
	Start     time.Time
	Duration  time.Duration
	Raw       json.RawMessage
}

// Charges are recurring charges: one item per service and their total.
type Charges struct {
	Items []Charge
	Total float64
}

// Charge is one recurring charge.
type Charge struct {
	Description string
	Amount      float64
}

// Account is the account the credentials belong to.
type Account struct {
	Name     string
	Username string
	Email    string
	Balance  *float64
	// Enabled reports whether the vendor has the account enabled.
	Enabled bool
	// Created is when the account was created (zero if unknown).
	Created time.Time
	Raw     json.RawMessage
}

// SIPRegistration is the account's current SIP registration.
type SIPRegistration struct {
	URI   string
	Agent string
	Raw   json.RawMessage
}

// Signup describes a new top-level account (VoiceTel signup).
type Signup struct {
	Name  string
	Email string
	// Promo is an optional promotional code.
	Promo string
}

// NewAccount is an account made by Agency.Signup.
type NewAccount struct {
	Username string
	Password Secret
	Raw      json.RawMessage
}

// AccountSettings changes the settings of the credentials' own account
// (Agency.UpdateSettings; VoiceTel v2.2). Only the fields that are set
// (non-nil) are sent, zero values included; [Ptr] sets one inline:
// &AccountSettings{Timezone: Ptr("America/Chicago"), Notify: Ptr(false)}.
// At least one must be set.
type AccountSettings struct {
	// Timezone is an IANA time zone name, e.g. "America/Chicago".
	Timezone *string
	// Notify turns low-balance notifications on or off.
	Notify *bool
	// NotifyThreshold is the balance, in whole dollars, below which
	// notifications fire (non-negative).
	NotifyThreshold *int
	// CallerID is the default outbound caller ID, a ten-digit North
	// American number such as "2015551234".
	CallerID *string
	// The fields below are for administrator keys only; the vendor refuses
	// them from a customer's key.

	// CCS caps the account's concurrent calls (non-negative).
	CCS *int
	// SMS, MMS, International and E911 enable or disable those services.
	SMS, MMS, International, E911 *bool
}

// SettingsUpdate is the vendor's answer to Agency.UpdateSettings.
type SettingsUpdate struct {
	// Updated names the settings the vendor changed, in its own field
	// names ("timezone", "notifyThreshold", …).
	Updated []string
	Raw     json.RawMessage
}

// CreditQuery filters Records.Credits.
type CreditQuery struct {
	// Paid, when set, keeps only the credits whose invoice the customer
	// has paid (true) or that are still outstanding (false); nil lists
	// every credit.
	Paid *bool
}

// Credit is one credit applied to the account.
type Credit struct {
	// Amount is in US dollars.
	Amount float64
	// Date is when the credit was applied.
	Date time.Time
	// Paid reports whether the customer has paid the credit's invoice.
	Paid bool
	Raw  json.RawMessage
}

// Payment is one payment received on the account.
type Payment struct {
	// Amount is in US dollars.
	Amount float64
	// Date is when the payment was received.
	Date time.Time
	// TransactionID is the payment processor's id (VoiceTel: PayPal).
	TransactionID string
	// Status is the processor's state: VoiceTel documents Completed,
	// Pending, Reversed, Refunded, Failed, Denied and Canceled_Reversal.
	Status string
	// PayerEmail is the payer's address at the processor.
	PayerEmail string
	Raw        json.RawMessage
}

// Prospect is one prospect for a Woodpecker global list.
type Prospect struct {
	Email     string
	FirstName string
	LastName  string
	Company   string
	// Fields are further prospect fields by their vendor name (e.g.
	// "website", "snippet1").
	Fields map[string]string
}

// ProspectOptions tune Agency.AddProspects.
type ProspectOptions struct {
	// Update edits prospects that already exist; otherwise they are left.
	Update bool
}

// Ptr returns a pointer to a copy of v, for the optional pointer fields of
// request types such as [SubAccountUpdate]: Ptr("Acme"), Ptr(false).
func Ptr[T any](v T) *T { return &v }
