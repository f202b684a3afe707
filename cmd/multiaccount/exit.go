package main

import (
	"context"
	"errors"

	"github.com/multiaccount/multiaccount"
)

// Exit codes, by failure class. Scripts branch on these; keep them stable.
const (
	exitOK          = 0
	exitFailure     = 1 // anything not classed below (e.g. an undecodable answer)
	exitUsage       = 2 // bad flags or arguments, invalid input
	exitAuth        = 3 // missing or refused credentials
	exitNotFound    = 4
	exitRateLimited = 5 // local limiter or the vendor's 429
	exitVendor      = 6 // the vendor refused (conflict, bad request, server error)
	exitNetwork     = 7 // no answer: connection, timeout
	exitUnsupported = 8 // the vendor does not offer the operation
)

const exitCodesHelp = `Exit codes:
  0  success
  1  other failure (e.g. an answer that could not be decoded)
  2  usage: bad flags or arguments, invalid input
  3  authentication: credentials missing or refused
  4  not found
  5  rate limited (the client-side limit or the vendor's 429)
  6  vendor error (conflict, refused request, server error)
  7  network: no answer from the vendor
  8  the vendor does not offer this operation`

// usageError marks a mistake in the command line itself.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// unsupportedError: the vendor does not offer the operation.
type unsupportedError struct{ msg string }

func (e *unsupportedError) Error() string        { return e.msg }
func (e *unsupportedError) Is(target error) bool { return target == multiaccount.ErrUnsupported }

// exitCode classifies err.
func exitCode(err error) int {
	var (
		usage *usageError
		api   *multiaccount.APIError
		netw  *multiaccount.NetworkError
	)
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &usage), errors.Is(err, multiaccount.ErrInvalidInput):
		return exitUsage
	case errors.Is(err, multiaccount.ErrUnsupported):
		return exitUnsupported
	case errors.Is(err, multiaccount.ErrRateLimited):
		return exitRateLimited
	case errors.Is(err, multiaccount.ErrUnauthorized), errors.Is(err, multiaccount.ErrForbidden), errors.Is(err, errNoCredentials):
		return exitAuth
	case errors.Is(err, multiaccount.ErrNotFound):
		return exitNotFound
	case errors.As(err, &netw), errors.Is(err, context.DeadlineExceeded):
		return exitNetwork
	case errors.As(err, &api):
		return exitVendor
	}
	return exitFailure
}
