package check

import "github.com/heraldhq/herald/content"

// generatorSeverity is the severity the site generator's own
// configuration gives a defect, when it says: Docusaurus reports posts
// without a truncate marker and tags missing from tags.yml as its
// onUntruncatedBlogPosts and onInlineTags settings say
// (https://docusaurus.io/docs/api/plugins/@docusaurus/plugin-content-blog#configuration):
// "ignore" is off, "log" a note, "warn" a warning and "throw" a broken
// build, an error.
//
// An author missing from the registry fails a Docusaurus build ("Blog
// author with key ... not found"), an error; Jekyll and Hugo themes look
// authors up in their data files and show nothing for a missing one, so
// there it is a warning.
func generatorSeverity(site *content.Site, rule string) (string, bool) {
	if site == nil || site.Profile == nil {
		return "", false
	}
	if rule == RuleUnknownAuthor && site.Profile.Name != "docusaurus" {
		return string(content.SeverityWarning), true
	}
	if site.Profile.Name != "docusaurus" {
		return "", false
	}
	var setting string
	switch rule {
	case RuleMissingExcerptMarker:
		setting = site.Generator.OnUntruncatedBlogPosts
	case RuleUnknownTag:
		setting = site.Generator.OnInlineTags
	}
	switch setting {
	case "ignore":
		return string(content.SeverityOff), true
	case "log":
		return string(content.SeverityInfo), true
	case "warn":
		return string(content.SeverityWarning), true
	case "throw":
		return string(content.SeverityError), true
	}
	return "", false
}

// severity is a rule's severity for this post: .herald.yml's when it sets
// one, else the generator's (generatorSeverity), else the rule's default.
func (r *run) severity(rule string) string {
	if rc, ok := r.c.cfg.Rules[rule]; ok && rc.Severity != "" {
		return string(rc.Severity)
	}
	if s, ok := generatorSeverity(r.site, rule); ok {
		return s
	}
	return r.c.severity[rule]
}
