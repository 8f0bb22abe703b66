package mock

import (
	"net/http"
	"strings"
	"time"
)

// The success bodies, as facts.md section 3 and the official SDKs' models
// describe them.

type link struct {
	Rel    string `json:"rel"`
	Href   string `json:"href"`
	Method string `json:"method"`
}

type smsContent struct {
	Template            string `json:"template"`
	InterceptionTimeout int    `json:"interceptionTimeout"`
	CodeType            string `json:"codeType"`
}

type flashCallContent struct {
	CLIFilter           string `json:"cliFilter"`
	InterceptionTimeout int    `json:"interceptionTimeout"`
	ReportTimeout       int    `json:"reportTimeout"`
	DenyCallAfter       int    `json:"denyCallAfter"`
}

type seamlessContent struct {
	TargetURI string `json:"targetUri"`
}

type whatsappContent struct {
	CodeType string `json:"codeType"`
}

type startResponse struct {
	ID        string            `json:"id"`
	Method    string            `json:"method"`
	SMS       *smsContent       `json:"sms,omitempty"`
	FlashCall *flashCallContent `json:"flashCall,omitempty"`
	Seamless  *seamlessContent  `json:"seamless,omitempty"`
	WhatsApp  *whatsappContent  `json:"whatsapp,omitempty"`
	Links     []link            `json:"_links"`
}

type reportResponse struct {
	ID        string `json:"id"`
	Method    string `json:"method"`
	Status    string `json:"status"`
	Reason    string `json:"reason,omitempty"`
	Reference string `json:"reference,omitempty"`
}

type identity struct {
	Type     string `json:"type"`
	Endpoint string `json:"endpoint"`
}

type money struct {
	CurrencyID string  `json:"currencyId"`
	Amount     float64 `json:"amount"`
}

type price struct {
	VerificationPrice money `json:"verificationPrice"`
}

type statusResponse struct {
	reportResponse
	Identity              identity `json:"identity"`
	CountryID             string   `json:"countryId,omitempty"`
	VerificationTimestamp string   `json:"verificationTimestamp"`
	Price                 *price   `json:"price,omitempty"`
}

// timestampLayout is verificationTimestamp's: no zone designator.
const timestampLayout = "2006-01-02T15:04:05.000"

func newStartResponse(v verification, base string) startResponse {
	ident := v.id.String()
	r := startResponse{ID: ident, Method: v.method.String()}
	switch v.method {
	case methodSMS:
		r.SMS = &smsContent{Template: "Your verification code is {{CODE}}.", InterceptionTimeout: 298, CodeType: "Numeric"}
	case methodFlashCall:
		r.FlashCall = &flashCallContent{CLIFilter: "(.*)" + Code, InterceptionTimeout: 45, ReportTimeout: 75, DenyCallAfter: 0}
	case methodSeamless:
		// .invalid never resolves (RFC 2606): nothing follows it anywhere.
		r.Seamless = &seamlessContent{TargetURI: "https://seamless.verification.invalid/v1/" + ident}
	case methodWhatsApp:
		r.WhatsApp = &whatsappContent{CodeType: "Numeric"}
	}
	href := base + pathByID + ident
	r.Links = []link{{"status", href, http.MethodGet}, {"report", href, http.MethodPut}}
	return r
}

func newReportResponse(v verification) reportResponse {
	return reportResponse{ID: v.id.String(), Method: v.method.String(), Status: v.status.String(), Reason: v.reason.String(), Reference: v.reference}
}

func newStatusResponse(v verification) statusResponse {
	r := statusResponse{
		reportResponse:        newReportResponse(v),
		Identity:              identity{Type: "number", Endpoint: v.endpoint},
		CountryID:             countryID(v.endpoint),
		VerificationTimestamp: time.Unix(0, v.started).UTC().Format(timestampLayout),
	}
	if v.status != statusPending { // the docs: the price shows once the status is final
		r.Price = &price{money{CurrencyID: "EUR", Amount: 0.0453}}
	}
	return r
}

// countryID gives the ISO 3166 code of a few country calling codes, for a
// plausible countryId; the mock's numbers are mostly +44 (Ofcom's drama
// ranges). Other countries are left out.
func countryID(endpoint string) string {
	cc := endpoint[1:min(len(endpoint), 3)]
	switch {
	case strings.HasPrefix(cc, "1"):
		return "US"
	case cc == "33":
		return "FR"
	case cc == "34":
		return "ES"
	case cc == "39":
		return "IT"
	case cc == "44":
		return "GB"
	case cc == "45":
		return "DK"
	case cc == "46":
		return "SE"
	case cc == "47":
		return "NO"
	case cc == "48":
		return "PL"
	case cc == "49":
		return "DE"
	case cc == "61":
		return "AU"
	case cc == "81":
		return "JP"
	case cc == "91":
		return "IN"
	}
	return ""
}
