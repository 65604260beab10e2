// parse/: decoded feed text in, ParsedFeed out. The only stage that imports rss-parser.

export { parseFeed, type ParseFeedOptions } from './parse-feed.ts';
export { findFeedLinks, looksLikeHtml, type FeedLink } from './feed-links.ts';
export { readOpml, DEFAULT_OPML_LIMITS, type OpmlDocument, type OpmlFeed, type OpmlLimits } from './opml.ts';
