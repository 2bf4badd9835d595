package io.membership.command.web;

import java.util.List;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Lets command endpoints take a {@link CommandContext} parameter. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(InvitationSettings.class)
class CommandWebConfiguration implements WebMvcConfigurer {

	@Override
	public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
		resolvers.add(new CommandContextArgumentResolver());
	}

}
