package io.membership.infra.docs;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The API reference at {@code /docs}: Swagger UI (from its WebJar) rendering
 * {@code /openapi.yaml}, open without a token like the document itself. The page is a
 * static resource ({@code static/docs/index.html}); these mappings only let {@code /docs}
 * and {@code /docs/} name it.
 */
@Configuration(proxyBeanMethods = false)
class DocsPageConfiguration implements WebMvcConfigurer {

	@Override
	public void addViewControllers(ViewControllerRegistry registry) {
		registry.addRedirectViewController("/docs", "/docs/");
		registry.addViewController("/docs/").setViewName("forward:/docs/index.html");
	}

}
