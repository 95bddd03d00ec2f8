package arxiv

// What the external tests (package arxiv_test) read of a Client.

// UserAgent returns the User-Agent the Client sends.
func (c *Client) UserAgent() string { return c.userAgent }
