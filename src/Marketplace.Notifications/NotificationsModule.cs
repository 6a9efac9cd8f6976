using Marketplace.Notifications.Exports;
using Marketplace.Notifications.Notifier;
using Marketplace.Notifications.SavedSearches;
using Marketplace.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Marketplace.Notifications;

public static class NotificationsModule
{
    /// <summary>Notifications, preferences, saved searches and exports; the notifier runs only where background work runs.</summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<NotificationOptions>(configuration.GetSection(NotificationOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<NotificationStore>();
        services.AddSingleton<SavedSearchService>();
        services.AddSingleton<OutboxSender>();
        services.AddSingleton<AuditEventMapper>();
        services.AddSingleton<AuditNotifier>();
        services.AddSingleton<ExportService>();
        if (InstanceRoles.RunsBackgroundWork(configuration)) services.AddHostedService<NotificationWorker>();
        return services;
    }
}
