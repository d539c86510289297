package loopback

import (
	"html/template"
	"sync"
)

type pageKind int

const (
	pageDone pageKind = iota
	pageFailed
	pageRejected
)

type pageData struct {
	Title   string
	Message string
}

// pageTemplate returns the only page the server renders. html/template
// escapes Message, which may contain text from the query string. It is
// parsed on first use, so commands that never serve a page do not pay for it.
var pageTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("page").Parse(pageSource))
})

const pageSource = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5}</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p id="message">{{.Message}}</p>
</body>
</html>
`
