package pdtest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"time"
)

// idTokenHeader is the JOSE header of every id_token.
type idTokenHeader struct {
	Algorithm string `json:"alg"`
	Type      string `json:"typ"`
}

// idTokenClaims are the claims PagerDuty puts into the id_token of a user
// OAuth app. Times are Unix seconds.
type idTokenClaims struct {
	Issuer    string `json:"iss"`
	Audience  string `json:"aud"`
	Subject   string `json:"sub"`
	UserID    string `json:"user_id"`
	AccountID string `json:"account_id"`
	Subdomain string `json:"subdomain"`
	Region    string `json:"region"`
	IssuedAt  int64  `json:"iat"`
	ExpiresAt int64  `json:"exp"`
}

// signIDToken returns a compact JWT signed with HS256 and the server's random
// key. It expires together with the access token issued with it.
func (s *Server) signIDToken(issuedAt time.Time) string {
	header := idTokenHeader{Algorithm: "HS256", Type: "JWT"}
	claims := idTokenClaims{
		Issuer:    s.url,
		Audience:  s.apiURL,
		Subject:   s.cfg.User.ID,
		UserID:    s.cfg.User.ID,
		AccountID: s.cfg.AccountID,
		Subdomain: s.cfg.Subdomain,
		Region:    s.cfg.Region,
		IssuedAt:  issuedAt.Unix(),
		ExpiresAt: issuedAt.Add(s.cfg.AccessTokenLifetime).Unix(),
	}

	signingInput := encodeJWTPart(header) + "." + encodeJWTPart(claims)
	mac := hmac.New(sha256.New, s.signingKey)
	mac.Write([]byte(signingInput))
	return signingInput + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// encodeJWTPart returns the base64url JSON encoding of part. Marshal cannot
// fail for the structs of this file, which contain only strings and integers.
func encodeJWTPart(part any) string {
	data, _ := json.Marshal(part)
	return base64.RawURLEncoding.EncodeToString(data)
}
