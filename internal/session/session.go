// Package session returns a usable access token for a profile, refreshing
// it first when it is expired or about to expire.
package session

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/pdauth/pdauth/internal/credstore"
	"github.com/pdauth/pdauth/internal/pdoauth"
)

// LoginError is an error that a new `pdauth login` fixes: no record, an
// expired token without a refresh token, or a refresh token that the server
// rejects.
type LoginError struct{ Err error }

func (e *LoginError) Error() string { return e.Err.Error() }

func (e *LoginError) Unwrap() error { return e.Err }

// Source loads and, when needed, refreshes a profile's token.
type Source struct {
	Store        *credstore.Store
	HTTPClient   *http.Client     // for the token endpoint
	Now          func() time.Time // the clock
	ClientSecret string           // sent on refresh when set (confidential apps)

	LockDir     string        // directory of the per-profile lock files
	LockTimeout time.Duration // zero means DefaultLockTimeout

	// Warn receives a warning when a refresh fails but the current token is
	// still valid and is used instead. Nil drops the warning.
	Warn func(message string)
}

// Token returns the profile's record with an access token that does not
// need refreshing (see credstore.Record.NeedsRefresh), refreshing it first
// when it does. A fresh token costs one record read and no lock.
//
// A token that needs refreshing is refreshed under the profile's lock. After
// taking it, Token reads the record again and uses it when another process
// has refreshed meanwhile, so concurrent callers send one refresh request in
// all. The refreshed record is saved before it is returned, because the
// server has already invalidated the old refresh token.
func (s *Source) Token(ctx context.Context, profile string) (*credstore.Record, error) {
	record, err := s.load(profile)
	if err != nil || !s.needsRefresh(record) {
		return record, err
	}

	unlock, err := LockProfile(ctx, s.LockDir, profile, s.LockTimeout)
	if err != nil {
		return nil, err
	}
	defer unlock()

	record, err = s.load(profile)
	if err != nil || !s.needsRefresh(record) {
		return record, err
	}

	refreshed, err := s.refresh(ctx, record)
	var loginErr *LoginError
	if errors.As(err, &loginErr) {
		markRefreshRejected(s.LockDir, profile, record)
	}
	if err != nil && ctx.Err() != nil {
		// Interrupted (Ctrl-C): the caller stops instead of printing the
		// current token.
		return nil, err
	}
	if err != nil {
		return s.fallBack(record, err)
	}
	if err := s.Store.Save(profile, refreshed); err != nil {
		return nil, fmt.Errorf("could not save the refreshed token: %w", err)
	}
	return refreshed, nil
}

// fallBack handles a failed refresh. A token that has not expired yet is
// still returned, with a warning, so that an identity service outage does
// not break scripts in the last minutes of a token's life. An expired token
// gives the refresh error.
func (s *Source) fallBack(record *credstore.Record, err error) (*credstore.Record, error) {
	if record.ExpiresWithin(s.Now(), 0) {
		return nil, err
	}
	if s.Warn != nil {
		message := fmt.Sprintf("warning: %v\nUsing the current access token, which expires at %s.", err, record.Expiry.UTC().Format("2006-01-02 15:04:05 MST"))
		var loginErr *LoginError
		if errors.As(err, &loginErr) {
			message += " Log in again before then."
		}
		s.Warn(message)
	}
	return record, nil
}

// load reads the profile's record and rejects one whose token has expired
// with no refresh token to renew it.
func (s *Source) load(profile string) (*credstore.Record, error) {
	record, err := s.Store.Load(profile)
	if errors.Is(err, credstore.ErrNotFound) {
		return nil, &LoginError{Err: errors.New("not logged in")}
	}
	if err != nil {
		return nil, err
	}
	if record.NeedsLogin(s.Now()) {
		return nil, &LoginError{Err: errors.New("the access token expired and there is no refresh token")}
	}
	return record, nil
}

func (s *Source) needsRefresh(record *credstore.Record) bool {
	return record.NeedsRefresh(s.Now())
}

// refresh exchanges the record's refresh token for a new token pair and
// returns the updated record. The stored record is not changed.
func (s *Source) refresh(ctx context.Context, record *credstore.Record) (*credstore.Record, error) {
	config := &oauth2.Config{
		ClientID:     record.ClientID,
		ClientSecret: s.ClientSecret,
		Endpoint: oauth2.Endpoint{
			TokenURL:  record.TokenURL,
			AuthStyle: oauth2.AuthStyleInParams,
		},
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, s.HTTPClient)

	token, err := config.TokenSource(ctx, &oauth2.Token{RefreshToken: record.RefreshToken}).Token()
	if err != nil {
		te := pdoauth.DescribeTokenError(err, record.RefreshToken, s.ClientSecret)
		if te.Rejected() {
			return nil, &LoginError{Err: fmt.Errorf("could not refresh the access token: %w", te)}
		}
		return nil, fmt.Errorf("could not refresh the access token: %w", te)
	}

	updated := *record
	updated.AccessToken = token.AccessToken
	updated.RefreshToken = token.RefreshToken // x/oauth2 keeps the old one when the response has none
	updated.Expiry = token.Expiry
	if scope, ok := token.Extra("scope").(string); ok && strings.TrimSpace(scope) != "" {
		updated.Scope = scope
	}
	return &updated, nil
}
