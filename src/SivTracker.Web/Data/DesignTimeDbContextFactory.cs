using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace SivTracker.Web.Data;

/// <summary>
/// Lets `dotnet ef migrations add` build the model without a database or the web host. Databases are migrated by the
/// `migrate` command, not `dotnet ef database update`: it runs as the owner role and then grants the application role.
/// </summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<AppDbContext>
{
    public AppDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<AppDbContext>()
            .UseNpgsql("Host=localhost;Database=design_time_only")
            .UseSnakeCaseNamingConvention()
            .UseApplicationServiceProvider(AppDbContext.StandaloneServices)
            .Options);
}
