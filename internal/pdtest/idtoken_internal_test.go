package pdtest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

func TestSignIDTokenVerifies(t *testing.T) {
	server, err := Start(Config{})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(server.Close)

	token := server.signIDToken(time.Unix(1700000000, 0))

	lastDot := strings.LastIndex(token, ".")
	if lastDot < 0 {
		t.Fatalf("token %q has no signature", token)
	}
	mac := hmac.New(sha256.New, server.signingKey)
	mac.Write([]byte(token[:lastDot]))
	want := base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
	if got := token[lastDot+1:]; got != want {
		t.Errorf("signature = %q, want HMAC-SHA256 %q", got, want)
	}
}
