package multiaccount

import (
	"context"
	"encoding/json"
	"errors"
	"hash/maphash"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// woodpeckerV2 is Woodpecker's agency API v2 (/rest/v2), chosen with
// Woodpecker(InVersion(WoodpeckerV2)). It keeps v1's authentication, error
// reading and one-request-at-a-time rule (the vendor's documents do not
// say whether v2 changes it; VENDORS.md assumes it does not), and overrides
// the company and key operations with v2's paths. Prospects still go to
// v1's add_prospects_list: the vendor calls it legacy but documents no v2
// replacement.
type woodpeckerV2 struct{ woodpecker }

const (
	// woodpeckerV2PageSize is the vendor's fixed page size on v2 lists.
	woodpeckerV2PageSize = 50
	// woodpeckerV2MaxBatch is the most companies one v2 create takes.
	woodpeckerV2MaxBatch = 10
)

// woodpeckerV2Page is the envelope of every v2 list:
// {"content":[…],"pagination_data":{total_elements,total_pages,
// current_page_number,page_size}}.
type woodpeckerV2Page struct {
	Content    []json.RawMessage `json:"content"`
	Pagination *struct {
		TotalElements *flexInt `json:"total_elements"`
		TotalPages    *flexInt `json:"total_pages"`
	} `json:"pagination_data"`
}

// next returns the cursor of the page after page ("" after the last), and
// the total (-1 when the answer does not say). The next page is computed
// from the page asked for, not from current_page_number, whose base (0 or
// 1) the vendor does not document. Without total_pages, a full page
// suggests there may be another.
func (p woodpeckerV2Page) next(page int) (string, int) {
	total, pages := -1, -1
	if p.Pagination != nil {
		if p.Pagination.TotalElements != nil {
			total = int(*p.Pagination.TotalElements)
		}
		if p.Pagination.TotalPages != nil {
			pages = int(*p.Pagination.TotalPages)
		}
	}
	more := page < pages || (pages < 0 && len(p.Content) >= woodpeckerV2PageSize)
	if !more {
		return "", total
	}
	return strconv.Itoa(page + 1), total
}

// woodpeckerV2Cursor reads a v2 cursor (a page number) and refuses a page
// size: the vendor pages 50 at a time and takes no size.
func woodpeckerV2Cursor(op string, o ListOptions) (int, error) {
	if o.PageSize != 0 && o.PageSize != woodpeckerV2PageSize {
		return 0, invalid(op, "PageSize", "cannot be chosen: Woodpecker v2 pages 50 at a time; leave it 0")
	}
	if o.Cursor == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(o.Cursor)
	if err != nil || n < 1 {
		return 0, invalid(op, "Cursor", "is not a cursor from a previous Woodpecker page")
	}
	return n, nil
}

// page fetches one page of a v2 list at path, with query's parameters
// besides the page number.
func (w woodpeckerV2) page(ctx context.Context, c *Client, op, path string, page int, query url.Values) (*response, *woodpeckerV2Page, error) {
	r, err := w.request(c, op, http.MethodGet, path, nil)
	if err != nil {
		return nil, nil, err
	}
	r.repeatable = true
	r.query = url.Values{"page": {strconv.Itoa(page)}}
	for k, v := range query {
		r.query[k] = v
	}
	resp, err := c.do(ctx, r)
	if err != nil {
		return nil, nil, err
	}
	var out woodpeckerV2Page
	if resp.status == http.StatusNoContent {
		return resp, &out, nil // as v1 answers an empty list
	}
	if err := c.decode(op, resp, &out); err != nil {
		return nil, nil, err
	}
	return resp, &out, nil
}

// woodpeckerV2Company is one company in v2's answers.
type woodpeckerV2Company struct {
	ID     flexString `json:"id"`
	Name   string     `json:"name"`
	Active *bool      `json:"active"`
}

func (co woodpeckerV2Company) normalize(resp *response, raw json.RawMessage) *SubAccount {
	return &SubAccount{ID: string(co.ID), Name: co.Name, Status: activeStatus(co.Active), Raw: resp.redactRaw(raw, "api_key")}
}

// activeStatus spells v2's active flag as a status: "active", "inactive",
// or "" when the answer has none.
func activeStatus(active *bool) string {
	switch {
	case active == nil:
		return ""
	case *active:
		return "active"
	}
	return "inactive"
}

const woodpeckerV2Companies = "rest/v2/agency/companies"

// filtersActive: v2's companies list takes the active filter.
func (woodpeckerV2) filtersActive() {}

func (w woodpeckerV2) listSubAccounts(ctx context.Context, c *Client, o ListOptions) (*SubAccountPage, error) {
	const op = "SubAccounts.List"
	n, err := woodpeckerV2Cursor(op, o)
	if err != nil {
		return nil, err
	}
	var q url.Values
	if o.Active != nil {
		q = url.Values{"active": {strconv.FormatBool(*o.Active)}}
	}
	resp, p, err := w.page(ctx, c, op, woodpeckerV2Companies, n, q)
	if err != nil {
		return nil, err
	}
	items, err := decodeItems(resp, "company", p.Content, withResponse(resp, woodpeckerV2Company.normalize))
	if err != nil {
		return nil, err
	}
	next, total := p.next(n)
	return &SubAccountPage{Items: items, Total: total, NextCursor: next}, nil
}

// eachPage fetches the pages of the v2 list at path in turn, handing each
// to f, until the last page or until f returns false. A walk that makes no
// progress (walkProgress, as paginate for All: a server repeating a page,
// or cycling through a few) ends with a *DecodeError instead of fetching
// forever.
func (w woodpeckerV2) eachPage(ctx context.Context, c *Client, op, path string, f func(*response, *woodpeckerV2Page) (bool, error)) error {
	walk := newWalkProgress("1")
	for n := 1; ; n++ {
		resp, p, err := w.page(ctx, c, op, path, n, nil)
		if err != nil {
			return err
		}
		next, _ := p.next(n)
		if len(p.Content) == 0 {
			next = ""
		}
		if next != "" {
			for _, item := range p.Content {
				walk.item(woodpeckerV2ItemKey(item))
			}
			if !walk.page(next) {
				return resp.malformed("pagination stalled: page "+strconv.Itoa(n)+" repeats items of earlier pages", errNoProgress)
			}
		}
		more, err := f(resp, p)
		if err != nil || !more || next == "" {
			return err
		}
	}
}

// woodpeckerV2ItemKey identifies an item of a page walk: by its id when it
// has one (a field that changes between answers, such as a count, does not
// make it another item), else by its JSON (API keys have no id).
func woodpeckerV2ItemKey(item json.RawMessage) uint64 {
	var v struct {
		ID flexString `json:"id"`
	}
	_ = unmarshalJSON(item, &v) // no id: known by its JSON
	var h maphash.Hash
	h.SetSeed(walkSeed)
	itemKey(&h, item, string(v.ID))
	return h.Sum64()
}

// eachCompany calls f with every company, page by page, until f returns
// false.
func (w woodpeckerV2) eachCompany(ctx context.Context, c *Client, op string, f func(*SubAccount) bool) error {
	return w.eachPage(ctx, c, op, woodpeckerV2Companies, func(resp *response, p *woodpeckerV2Page) (bool, error) {
		items, err := decodeItems(resp, "company", p.Content, withResponse(resp, woodpeckerV2Company.normalize))
		if err != nil {
			return false, err
		}
		for _, sa := range items {
			if !f(sa) {
				return false, nil
			}
		}
		return true, nil
	})
}

func (w woodpeckerV2) getSubAccount(ctx context.Context, c *Client, id string) (*SubAccount, error) {
	const op = "SubAccounts.Get"
	if _, err := woodpeckerID(op, id); err != nil {
		return nil, err
	}
	// v2 documents no single-company read: the list is searched.
	var found *SubAccount
	err := w.eachCompany(ctx, c, op, func(sa *SubAccount) bool {
		if sa.ID == id {
			found = sa
		}
		return found == nil
	})
	if err != nil {
		return nil, err
	}
	if found == nil {
		return nil, &APIError{StatusCode: http.StatusOK, Message: "no company " + id + " in the agency's companies",
			Operation: op, Provider: w.name(), kind: ErrNotFound}
	}
	return found, nil
}

func (w woodpeckerV2) createSubAccount(ctx context.Context, c *Client, in *SubAccountCreate) (*SubAccount, error) {
	out, err := w.create(ctx, c, "SubAccounts.Create", []*SubAccountCreate{in})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

func (w woodpeckerV2) createSubAccounts(ctx context.Context, c *Client, in []*SubAccountCreate) ([]*SubAccount, error) {
	return w.create(ctx, c, "SubAccounts.CreateBatch", in)
}

// create sends one v2 create of every company in in, all or none. It is
// billed and never sent again after it may have reached the vendor: a
// failure from then on is a *CreateBatchError saying which names exist.
func (w woodpeckerV2) create(ctx context.Context, c *Client, op string, in []*SubAccountCreate) ([]*SubAccount, error) {
	if len(in) > woodpeckerV2MaxBatch {
		return nil, invalid(op, "in", "has "+strconv.Itoa(len(in))+" companies; Woodpecker v2 creates at most 10 per request (all or none)")
	}
	names := make([]string, len(in))
	wire := make([]map[string]string, len(in))
	for i, sc := range in {
		err := requiredText(op, "Name", sc.Name, "(the company name)", 200)
		if err == nil {
			err = unusedCreateFields(op, w.name(), sc, woodpeckerCreateFields)
		}
		if err != nil {
			var ve *ValidationError
			if op == "SubAccounts.CreateBatch" && errors.As(err, &ve) {
				ve.Field = "in[" + strconv.Itoa(i) + "]." + ve.Field
			}
			return nil, err
		}
		names[i] = sc.Name
		wire[i] = map[string]string{"name": sc.Name}
	}
	r, err := w.request(c, op, http.MethodPost, woodpeckerV2Companies, map[string]any{"companies": wire})
	if err != nil {
		return nil, err
	}
	// Not repeatable: billed. E_TOO_MANY_REQUESTS (not processed) is still
	// retried, through request's retryOn.
	var out struct {
		Companies []json.RawMessage `json:"companies"`
	}
	resp, err := c.call(ctx, r, &out)
	var items []*SubAccount
	if err == nil {
		items, err = decodeItems(resp, "company", out.Companies, withResponse(resp, woodpeckerV2Company.normalize))
	}
	if err == nil && len(items) != len(in) {
		err = resp.malformed(strconv.Itoa(len(items))+" companies in the answer for "+strconv.Itoa(len(in))+" sent", nil)
	}
	for i := 0; err == nil && i < len(items); i++ {
		if items[i].ID == "" {
			err = resp.malformed("company "+strconv.Itoa(i)+" has no id", nil)
		}
	}
	if err == nil {
		return items, nil
	}
	if wasNotSent(err) {
		return nil, err
	}
	return nil, w.whichExist(ctx, c, op, names, err)
}

// wasNotSent reports a failure that happened before any request left the
// client: a local rate limit, or a connection never made.
func wasNotSent(err error) bool {
	var rl *RateLimitError
	return (errors.As(err, &rl) && rl.Local) || neverSent(err)
}

// whichExist lists the companies once and reports, in a
// *CreateBatchError, which of names exist after the create failed with
// cause.
func (w woodpeckerV2) whichExist(ctx context.Context, c *Client, op string, names []string, cause error) error {
	e := &CreateBatchError{Operation: op, Provider: w.name(), Names: names, Err: cause}
	want := make(map[string]bool, len(names))
	for _, n := range names {
		want[strings.ToLower(strings.TrimSpace(n))] = true
	}
	e.ListErr = w.eachCompany(ctx, c, op, func(sa *SubAccount) bool {
		if want[strings.ToLower(strings.TrimSpace(sa.Name))] {
			e.Existing = append(e.Existing, sa)
		}
		return true
	})
	if e.ListErr != nil {
		e.Existing = nil
	} else {
		e.Listed = true
	}
	return e
}

// keysPath is the v2 path of a company's API keys.
func (woodpeckerV2) keysPath(id json.Number) string {
	return woodpeckerV2Companies + "/" + id.String() + "/api_keys"
}

func (w woodpeckerV2) listKeys(ctx context.Context, c *Client, companyID string) ([]APIKey, error) {
	return w.keys(ctx, c, "Keys.List", companyID)
}

// keys reads every page of a company's keys (only those created through
// the API, the vendor says).
func (w woodpeckerV2) keys(ctx context.Context, c *Client, op, companyID string) ([]APIKey, error) {
	id, err := woodpeckerID(op, companyID)
	if err != nil {
		return nil, err
	}
	type key struct {
		APIKey string `json:"api_key"`
		Label  string `json:"label"`
	}
	all := []APIKey{}
	err = w.eachPage(ctx, c, op, w.keysPath(id), func(resp *response, p *woodpeckerV2Page) (bool, error) {
		keys, err := decodeItems(resp, "api key", p.Content, func(k key, raw json.RawMessage) APIKey {
			return APIKey{Key: Secret(k.APIKey), Label: k.Label, Raw: resp.redactRawCarrying(raw, []string{k.APIKey}, "api_key")}
		})
		all = append(all, keys...)
		return true, err
	})
	if err != nil {
		return nil, err
	}
	return all, nil
}

func (w woodpeckerV2) createKey(ctx context.Context, c *Client, companyID, label string) (*APIKey, error) {
	const op = "Keys.Create"
	id, err := woodpeckerID(op, companyID)
	if err != nil {
		return nil, err
	}
	if err := requiredText(op, "label", label, "(Woodpecker v2 requires one)", 200); err != nil {
		return nil, err
	}
	r, err := w.request(c, op, http.MethodPost, w.keysPath(id), map[string]any{"label": label})
	if err != nil {
		return nil, err
	}
	return c.callKey(ctx, r, "api_key", label, "api_key")
}

// woodpeckerV2User is one user as the vendor may send it: the fields are
// undocumented, so the common spellings are all read.
type woodpeckerV2User struct {
	ID        flexString `json:"id"`
	Name      string     `json:"name"`
	FullName  string     `json:"full_name"`
	FirstName string     `json:"first_name"`
	LastName  string     `json:"last_name"`
	Email     string     `json:"email"`
	Role      string     `json:"role"`
	Status    string     `json:"status"`
	Active    *bool      `json:"active"`
}

func (u woodpeckerV2User) normalize(resp *response, raw json.RawMessage) *User {
	out := &User{ID: string(u.ID), Name: u.Name, Email: u.Email, Role: u.Role, Status: u.Status,
		Raw: resp.redactRaw(raw, "api_key", "password", "token")}
	if out.Name == "" {
		out.Name = u.FullName
	}
	if out.Name == "" {
		out.Name = strings.TrimSpace(u.FirstName + " " + u.LastName)
	}
	if out.Status == "" {
		out.Status = activeStatus(u.Active)
	}
	return out
}

func (w woodpeckerV2) listUsers(ctx context.Context, c *Client, companyID string, o ListOptions) (*UserPage, error) {
	const op = "SubAccounts.Users"
	id, err := woodpeckerID(op, companyID)
	if err != nil {
		return nil, err
	}
	n, err := woodpeckerV2Cursor(op, o)
	if err != nil {
		return nil, err
	}
	if o.Active != nil {
		return nil, invalid(op, "Active", "filters companies, not users; leave it nil")
	}
	resp, p, err := w.page(ctx, c, op, woodpeckerV2Companies+"/"+id.String()+"/users", n, nil)
	if err != nil {
		return nil, err
	}
	items, err := decodeItems(resp, "user", p.Content, withResponse(resp, woodpeckerV2User.normalize))
	if err != nil {
		return nil, err
	}
	next, total := p.next(n)
	return &UserPage{Items: items, Total: total, NextCursor: next}, nil
}

func (w woodpeckerV2) addProspects(ctx context.Context, c *Client, companyID string, ps []Prospect, o ProspectOptions) error {
	// The company's key comes from v2's key list: v2's companies list
	// carries no keys.
	return w.sendProspects(ctx, c, companyID, ps, o, func(ctx context.Context, op string) (Secret, error) {
		keys, err := w.keys(ctx, c, op, companyID)
		if err != nil {
			return "", err
		}
		if len(keys) == 0 {
			return "", &APIError{StatusCode: http.StatusOK, Message: "company " + companyID + " has no API key the agency created; create one with Keys.Create first",
				Operation: op, Provider: w.name(), kind: ErrNotFound}
		}
		return keys[0].Key, nil
	})
}
