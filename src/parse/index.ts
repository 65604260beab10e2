// parse/: decoded feed text in, ParsedFeed out. The only stage that imports rss-parser.

export { parseFeed, type ParseFeedOptions } from './parse-feed.ts';
