package io.membership.query.web;

import jakarta.servlet.http.HttpServletRequest;

/**
 * One page of a list as Label Studio's API pages it: {@code page} from 1 and
 * {@code page_size} 1 to {@value #MAX_SIZE} (default {@value #DEFAULT_SIZE}); the links
 * to the neighbouring pages are the request's own path and query with another
 * {@code page}, null at either end, and a page past the last links back to the last.
 */
record PageRequest(int number, int size) {

	static final int DEFAULT_SIZE = 50;

	static final int MAX_SIZE = 200;

	/** The page the parameters ask for; 400 for anything else. */
	static PageRequest of(String page, String pageSize) {
		return new PageRequest(QueryParameters.integer("page", page, 1, 1, Integer.MAX_VALUE),
				QueryParameters.integer("page_size", pageSize, DEFAULT_SIZE, 1, MAX_SIZE));
	}

	/** How many items come before this page. */
	long offset() {
		return (long) (this.number - 1) * this.size;
	}

	/** The next page's relative URL, or null when this one is the last. */
	String next(HttpServletRequest request, long count) {
		return (offset() + this.size < count)
				? QueryAnswers.withParameter(request, "page", Long.toString(this.number + 1L)) : null;
	}

	/** The previous page's relative URL, or null on the first. */
	String previous(HttpServletRequest request, long count) {
		long lastPage = Math.max(1, (count + this.size - 1) / this.size);
		return (this.number > 1)
				? QueryAnswers.withParameter(request, "page", Long.toString(Math.min(this.number - 1L, lastPage)))
				: null;
	}

}
