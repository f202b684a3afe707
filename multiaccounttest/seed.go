package multiaccounttest

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Seeded credentials and IDs. They are fixed, fake and valid only against
// the emulator; every Server starts with them. IDs are strings, as every ID
// in the SDK is, so they go to SDK calls as they are.
const (
	// CTMAccessKey and CTMSecretKey are the CallTrackingMetrics agency's key
	// pair: HTTP Basic user name and password, or the token and secret
	// fields of POST /api/v1/authentication.
	CTMAccessKey = "emu_ctm_access_5f1c2e"
	CTMSecretKey = "emu_ctm_secret_9b7d4a0e61"
	// CTMAgencyID is the agency_id of every seeded CallTrackingMetrics account.
	CTMAgencyID = "9000"
	// CTMFirstAccountID is the id of the first of the CTMAccounts seeded
	// accounts (ids run consecutively) and the session's first_account.
	CTMFirstAccountID = "10001"
	// CTMAccounts is how many CallTrackingMetrics accounts are seeded: more
	// than three default pages of 10.
	CTMAccounts = 33

	// WoodpeckerAgencyKey is the Woodpecker agency's API key (x-api-key).
	WoodpeckerAgencyKey = "emuwpagency0c1d2e3f4a5b6c7d8e9f0a"
	// WoodpeckerCompanyID and WoodpeckerCompanyKey are the first seeded
	// company and its key, for company-scoped calls such as
	// add_prospects_list.
	WoodpeckerCompanyID  = "2100000001"
	WoodpeckerCompanyKey = "emuwpcompany1a2b3c4d5e6f7a8b9c0d"

	// VoiceTelUsername and VoiceTelPassword are the seeded VoiceTel
	// account's credentials (for apikey/); VoiceTelAPIKey is its API key.
	// The account is SIP-registered and has call records and charges.
	VoiceTelUsername = "4592086960"
	VoiceTelPassword = "emuVt7Pass"
	VoiceTelAPIKey   = "emuvt0a1b2c3d4e5f60718293a4b5c6d"
	// VoiceTelAdminKey is an administrator key, required by add/.
	VoiceTelAdminKey = "emuvtadmin9f8e7d6c5b4a3928170654"
	// VoiceTelUnregisteredKey belongs to a second seeded account that is
	// not SIP-registered (registration/ answers 404) and has no call records.
	VoiceTelUnregisteredKey = "emuvtidle00112233445566778899aab"

	// SerwerSMSToken is the SerwerSMS API token (Authorization: Bearer);
	// SerwerSMSUsername and SerwerSMSPassword the same account's API user,
	// for the username and password body fields.
	SerwerSMSToken    = "emu_ss_token_3e8a91c7d2"
	SerwerSMSUsername = "emu_api_user"
	SerwerSMSPassword = "emu_api_pass_42"
	// SerwerSMSTemplateID is a seeded sub-account to pass as subaccount_id
	// (the template whose rights a new sub-account copies).
	SerwerSMSTemplateID = "123"

	// KaleyraSID and KaleyraAPIKey are the Kaleyra parent account's SID
	// (in the path) and key (api-key header).
	KaleyraSID    = "HEMU0000071IN"
	KaleyraAPIKey = "Aemu0kaleyra1parent2key3abcdef4"
)

// The seeded IDs as the vendors' JSON carries them (numbers).
const (
	ctmAgencyID       = 9000
	ctmFirstAccountID = 10001
	wpCompanyID       = 2100000001
	vtUsername        = 4592086960
	ssTemplateID      = 123
)

// The Woodpecker agency's owner, shown on every company.
const woodpeckerOwner = "Dana Whitfield"

// woodpeckerOwnerEmail is the owner's address, on every company's users.
const woodpeckerOwnerEmail = "dana@agency.example"

// seed fills every vendor's state. Data is deterministic for a given now.
func (s *Server) seed(now time.Time) {
	rng := rand.New(rand.NewPCG(20251122, 5))
	s.seedCTM(now, rng)
	s.seedWoodpecker()
	s.seedVoiceTel(now, rng)
	s.seedSerwerSMS()
	s.seedKaleyra()
}

func (s *Server) seedCTM(now time.Time, rng *rand.Rand) {
	s.ctm = &ctmState{calls: map[int][]*ctmCall{}, tokens: map[string]time.Time{}}
	trades := []string{"Plumbing", "Dental", "Roofing", "Law Group", "Auto Repair", "Realty", "HVAC",
		"Veterinary", "Landscaping", "Chiropractic", "Insurance"}
	cities := []string{"Denver", "Austin", "Tampa", "Portland", "Raleigh", "Omaha", "Boise", "Tucson",
		"Madison", "Richmond", "Reno"}
	zones := []struct {
		name   string
		offset int
	}{{"America/New_York", -5}, {"America/Chicago", -6}, {"America/Denver", -7}, {"America/Los_Angeles", -8}}
	sources := []string{"Google Ads", "Google Organic", "Bing Ads", "Facebook", "Direct", "Yelp", "Website"}
	callID := 880000001
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	for i := range CTMAccounts {
		z := zones[i%len(zones)]
		a := &ctmAccount{
			ID:           ctmFirstAccountID + i,
			Name:         fmt.Sprintf("%s %s", cities[i%len(cities)], trades[i%len(trades)]),
			Status:       "active",
			UserRole:     "admin",
			BalanceCents: rng.IntN(50000),
			Timezone:     z.name,
			UTCOffset:    z.offset * 3600,
			Created:      today.AddDate(-1, 0, -i*7),
		}
		if i%11 == 10 {
			a.Status = "suspended"
		}
		s.ctm.accounts = append(s.ctm.accounts, a)
		tracking := fmt.Sprintf("+1%03d555%04d", 200+i, 100+i)
		var calls []*ctmCall
		// Calls over the last 14 days, up to now; newest first.
		for day := 0; day < 14; day++ {
			n := rng.IntN(5)
			for range n {
				start := today.AddDate(0, 0, -day).Add(time.Duration(12+rng.IntN(12*60)) * time.Minute)
				if start.After(now) {
					continue
				}
				status := "answered"
				if rng.IntN(6) == 0 {
					status = "missed"
				}
				calls = append(calls, &ctmCall{
					ID: callID, AccountID: a.ID, Start: start,
					Duration: 5 + rng.IntN(600), Status: status,
					Caller:   fmt.Sprintf("+1%03d%03d%04d", 201+rng.IntN(700), 200+rng.IntN(700), rng.IntN(10000)),
					Tracking: tracking, Source: sources[rng.IntN(len(sources))],
				})
				callID++
			}
		}
		sortCallsNewestFirst(calls)
		s.ctm.calls[a.ID] = calls
	}
}

func sortCallsNewestFirst(c []*ctmCall) {
	for i := 1; i < len(c); i++ {
		for j := i; j > 0 && c[j].Start.After(c[j-1].Start); j-- {
			c[j], c[j-1] = c[j-1], c[j]
		}
	}
}

func (s *Server) seedWoodpecker() {
	s.wp = &wpState{nextID: wpCompanyID + 100, nextProsID: 5000}
	s.wp.companies = []*wpCompany{
		{ID: wpCompanyID, Name: "Northwind Outreach", Campaigns: 3, Owner: woodpeckerOwner,
			Keys: []wpKey{{WoodpeckerCompanyKey, "main"}}},
		{ID: wpCompanyID + 1, Name: "Bluebird Growth", Campaigns: 12, Owner: woodpeckerOwner,
			Keys: []wpKey{{"emuwpcompany2b3c4d5e6f7a8b9c0d1e", "main"}, {"emuwpcompany2crm0000000000000000", "crm sync"}}},
		{ID: wpCompanyID + 2, Name: "Harbor Legal Leads", Campaigns: 0, Owner: woodpeckerOwner,
			Keys: []wpKey{{"emuwpcompany3c4d5e6f7a8b9c0d1e2f", "main"}}},
		{ID: wpCompanyID + 3, Name: "Summit SaaS Pipeline", Campaigns: 7, Owner: woodpeckerOwner,
			Keys: []wpKey{{"emuwpcompany4d5e6f7a8b9c0d1e2f3a", "main"}}},
	}
	s.wp.nextUserID = 7000
	for _, c := range s.wp.companies {
		s.wp.nextUserID++
		c.Users = []wpUser{{ID: s.wp.nextUserID, Name: woodpeckerOwner, Email: woodpeckerOwnerEmail, Role: "OWNER", Status: "ACTIVE"}}
	}
	s.wp.companies[0].Users = append(s.wp.companies[0].Users,
		wpUser{ID: 7101, Name: "Mara Quinn", Email: "mara@northwind.example", Role: "MEMBER", Status: "ACTIVE"},
		wpUser{ID: 7102, Name: "Luis Ortega", Email: "luis@northwind.example", Role: "MEMBER", Status: "INVITED"})
	s.wp.companies[2].Inactive = true
	s.wp.companies[0].Prospects = []map[string]any{
		{"id": int64(4001), "email": "jordan.lee@example.com", "first_name": "Jordan", "last_name": "Lee", "company": "Lee & Co"},
		{"id": int64(4002), "email": "priya.n@example.org", "first_name": "Priya", "last_name": "Natarajan"},
	}
}

func (s *Server) seedVoiceTel(now time.Time, rng *rand.Rand) {
	s.vt = &vtState{accounts: map[int64]*vtAccount{}, windows: map[vtWindowKey][]time.Time{}}
	created := time.Date(2020, 1, 15, 12, 0, 0, 0, time.UTC)
	main := &vtAccount{
		Username: vtUsername, Name: "Acme Field Services", Email: "billing@acme-field.example",
		Password: VoiceTelPassword, APIKey: VoiceTelAPIKey, MasterAccount: vtUsername,
		Rate: 0.0075, Enabled: true, NotifyThreshold: 5, Notify: true, CallerID: "2015551234",
		Created: created, Cash: 25.5,
		Registration: &vtRegistration{URI: "sip:4592086960@192.0.2.10:5060", Agent: "Zoiper rv2.10.20"},
		MRC:          []vtCharge{{"Hosted PBX", 19.99}, {"E911", 1.5}, {"CNAM", 0.99}},
		DIDCharges:   4.25,
		Timezone:     "America/Chicago", CCS: 10, SMS: true, E911: true,
		Credits: []vtCredit{
			{Amount: 25, Date: time.Date(2024, 9, 30, 12, 52, 59, 0, time.UTC), Paid: false},
			{Amount: 100, Date: time.Date(2024, 6, 2, 8, 15, 0, 0, time.UTC), Paid: true},
			{Amount: 10, Date: time.Date(2024, 1, 20, 17, 5, 0, 0, time.UTC), Paid: true},
		},
		Payments: []vtPayment{
			{Amount: 25, Date: time.Date(2024, 9, 30, 12, 52, 59, 0, time.UTC), TransactionID: "2N045992R140725E3", Status: "Completed", PayerEmail: "billing@acme-field.example"},
			{Amount: 40, Date: time.Date(2024, 8, 1, 9, 0, 0, 0, time.UTC), TransactionID: "7KX12345AB678901C", Status: "Refunded", PayerEmail: "billing@acme-field.example"},
		},
	}
	// Call records over the last three days, oldest first.
	dests := []string{"8008786160", "2125550143", "3105550188", "6175550120", "4155550199"}
	start := now.Add(-72 * time.Hour).Truncate(time.Minute)
	for i := 0; start.Before(now); i++ {
		rate := 0.0075
		name := "WIRELESS%20CALLER"
		if i%4 == 0 {
			rate, name = 0.025, "TOLL%20FREE%20CALL"
		}
		main.CDRs = append(main.CDRs, vtCDR{
			ID:    fmt.Sprintf("%032x", uint64(0xC0DE0000+i)),
			Start: start, Caller: main.CallerID, Dest: dests[i%len(dests)],
			Duration: 10 + rng.IntN(900), Rate: rate, Name: name, IP: "104.225.13.77",
		})
		start = start.Add(time.Duration(90+rng.IntN(300)) * time.Minute)
	}
	admin := &vtAccount{
		Username: 4592080001, Name: "Acme Reseller Admin", Email: "admin@acme-field.example",
		Password: "emuVtAdmin1", APIKey: VoiceTelAdminKey, Admin: true, MasterAccount: 4592080001,
		Rate: 0.0065, Enabled: true, NotifyThreshold: 20, Notify: true, CallerID: "2015550000",
		Created: created.AddDate(-1, 0, 0), Cash: 310.75,
		Registration: &vtRegistration{URI: "sip:4592080001@192.0.2.11:5060", Agent: "Yealink SIP-T46U"},
	}
	idle := &vtAccount{
		Username: 4592086961, Name: "Acme Warehouse Line", Email: "warehouse@acme-field.example",
		Password: "emuVtIdle2", APIKey: VoiceTelUnregisteredKey, MasterAccount: vtUsername,
		Rate: 0.0075, Enabled: true, NotifyThreshold: 5, CallerID: "2015551235",
		Created: created.AddDate(2, 3, 0), Cash: 0,
	}
	for _, a := range []*vtAccount{main, admin, idle} {
		s.vt.accounts[a.Username] = a
	}
}

func (s *Server) seedSerwerSMS() {
	s.ss = &ssState{nextID: 1484}
	s.ss.subs = []*ssSub{
		{ID: ssTemplateID, Username: "szablon", Password: "emuTpl123", Name: "Template (rights)", Email: "admin@sklep.example"},
		{ID: 456, Username: "sklep_wroclaw", Password: "emuWro456", Name: "Sklep Wrocław", Phone: "+48730856001", Email: "wroclaw@sklep.example"},
		{ID: 789, Username: "sklep_gdansk", Password: "emuGda789", Name: "Sklep Gdańsk", Phone: "+48730856002", Email: "gdansk@sklep.example"},
		{ID: 1194, Username: "marketing", Password: "emuMkt1194", Name: "Dział marketingu", Phone: "+48730856000", Email: "marketing@sklep.example"},
		{ID: 1201, Username: "serwis@sklep", Password: "emuSrv1201", Name: "Serwis", Phone: "+48730856003", Email: "serwis@sklep.example"},
	}
	for _, x := range s.ss.subs {
		x.Limits = map[string]int{}
	}
}

func (s *Server) seedKaleyra() {
	s.ky = &kyState{}
	people := []struct{ name, email, country, credit string }{
		{"Asha Verma", "asha.verma@example.in", "IN", "assigned"},
		{"Rahul Mehta", "rahul.mehta@example.in", "IN", "shared"},
		{"Lena Fischer", "lena.fischer@example.de", "DE", "assigned"},
		{"Marco Rossi", "marco.rossi@example.it", "IT", "shared"},
		{"Sara Lindqvist", "sara.lindqvist@example.se", "SE", "assigned"},
		{"Omar Haddad", "omar.haddad@example.ae", "AE", "shared"},
		{"Grace Kim", "grace.kim@example.com", "US", "assigned"},
		{"Tomás Alves", "tomas.alves@example.pt", "PT", "shared"},
		{"Nia Okafor", "nia.okafor@example.ng", "NG", "assigned"},
		{"Kenji Sato", "kenji.sato@example.jp", "JP", "shared"},
		{"Ines Duarte", "ines.duarte@example.br", "BR", "assigned"},
		{"Vikram Iyer", "vikram.iyer@example.in", "IN", "shared"},
	}
	for i, p := range people {
		s.ky.next++
		x := &kySub{
			SID: fmt.Sprintf("%s_%d", KaleyraSID, s.ky.next), AccountName: p.name, Email: p.email,
			Status: "active", APIKey: fmt.Sprintf("Aemusub%02d%024x", s.ky.next, uint64(0xBEEF00+i)),
			Channels: []string{"sms"}, CreditType: p.credit, Country: p.country,
		}
		if p.credit == "assigned" {
			x.Balance = float64(2 + 7*i)
			x.LowBalanceAlert = i%3 == 0
			x.IPConfigName = fmt.Sprintf("office-%d", i+1)
		} else {
			limit := 500 * (i + 1)
			x.MonthlyLimit = &limit
		}
		if i%5 == 4 {
			x.Channels = []string{"sms", "whatsapp"}
		}
		if i == 9 {
			x.Status = "inactive"
		}
		s.ky.subs = append(s.ky.subs, x)
	}
}
