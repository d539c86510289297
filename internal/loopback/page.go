package loopback

import (
	"fmt"
	"html"
	"io"
)

type pageKind int

const (
	pageDone pageKind = iota
	pageFailed
	pageRejected
)

// renderPage writes the only page the server serves. html.EscapeString
// escapes the title and message, which may contain text from the query
// string, so they can never add markup. html/template is not used because
// it makes the binary about 2 MB larger, which every pdauth token call pays
// for at start-up.
func renderPage(w io.Writer, title, message string) error {
	title = html.EscapeString(title)
	_, err := fmt.Fprintf(w, pageFormat, title, title, html.EscapeString(message))
	return err
}

const pageFormat = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>%s</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5}</style>
</head>
<body>
<h1>%s</h1>
<p id="message">%s</p>
</body>
</html>
`
