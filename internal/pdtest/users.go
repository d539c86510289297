package pdtest

import (
	"mime"
	"net/http"
	"strings"
)

// AcceptV2 is the Accept header value that the PagerDuty REST API v2
// requires.
const AcceptV2 = "application/vnd.pagerduty+json;version=2"

// userResponse is the body of GET /users/me.
type userResponse struct {
	User userBody `json:"user"`
}

type userBody struct {
	ID        string `json:"id"`
	Type      string `json:"type"`
	Summary   string `json:"summary"`
	Self      string `json:"self"`
	HTMLURL   string `json:"html_url"`
	Name      string `json:"name"`
	Email     string `json:"email"`
	TimeZone  string `json:"time_zone"`
	Role      string `json:"role"`
	AvatarURL string `json:"avatar_url"`
	JobTitle  string `json:"job_title"`
	Teams     []any  `json:"teams"`
}

func (s *Server) handleUsersMe(w http.ResponseWriter, r *http.Request) {
	s.updateStats(func(stats *Stats) { stats.UsersMeRequests++ })

	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeRESTError(w, http.StatusMethodNotAllowed, "Method Not Allowed", restCodeInvalidInput,
			"this endpoint accepts only GET")
		return
	}
	if problem := s.checkBearerToken(r.Header.Get("Authorization")); problem != "" {
		s.logger.Info("REST request rejected", "status", http.StatusUnauthorized, "reason", problem)
		writeRESTError(w, http.StatusUnauthorized, "Unauthorized", restCodeUnauthorized, problem)
		return
	}
	if !acceptsV2(r.Header.Values("Accept")) {
		s.logger.Info("REST request rejected", "status", http.StatusNotAcceptable, "reason", "missing Accept v2")
		writeRESTError(w, http.StatusNotAcceptable, "Not Acceptable", restCodeInvalidInput,
			"the Accept header must be "+AcceptV2)
		return
	}

	writeJSON(w, http.StatusOK, userResponse{User: s.userBody()})
}

// checkBearerToken returns why the Authorization header does not carry a
// valid access token, or "" if it does.
func (s *Server) checkBearerToken(header string) string {
	if header == "" {
		return "the Authorization header is missing"
	}
	scheme, token, found := strings.Cut(header, " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return "the Authorization header must use the Bearer scheme"
	}

	s.mu.Lock()
	defer s.mu.Unlock()

	access := s.accessTokens[strings.TrimSpace(token)]
	switch {
	case access == nil:
		return "the access token is invalid or revoked"
	case access.expired || !s.now().Before(access.expiresAt):
		return "the access token expired"
	}
	return ""
}

// acceptsV2 reports whether one media range in the Accept headers is
// application/vnd.pagerduty+json with the parameter version=2.
func acceptsV2(headers []string) bool {
	for _, header := range headers {
		for mediaRange := range strings.SplitSeq(header, ",") {
			mediaType, params, err := mime.ParseMediaType(mediaRange)
			if err == nil && mediaType == "application/vnd.pagerduty+json" && params["version"] == "2" {
				return true
			}
		}
	}
	return false
}

func (s *Server) userBody() userBody {
	user := s.cfg.User
	return userBody{
		ID:        user.ID,
		Type:      "user",
		Summary:   user.Name,
		Self:      s.apiURL + "/users/" + user.ID,
		HTMLURL:   "https://" + s.cfg.Subdomain + ".pagerduty.com/users/" + user.ID,
		Name:      user.Name,
		Email:     user.Email,
		TimeZone:  user.TimeZone,
		Role:      user.Role,
		AvatarURL: s.url + "/avatars/" + user.ID + ".png",
		JobTitle:  user.JobTitle,
		Teams:     []any{},
	}
}
