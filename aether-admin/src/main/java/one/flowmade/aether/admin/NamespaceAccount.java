package one.flowmade.aether.admin;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import one.flowmade.aether.Namespace;

/**
 * One namespace's NATS account: its JetStream limits, its users and their {@link Role roles}, and
 * the namespaces it lets read its stored events (read-only exports).
 *
 * <pre>{@code
 * NamespaceAccount orders = NamespaceAccount.builder(Namespace.of("orders"))
 *     .maxStorage(10L << 30).maxMemory(1L << 30).maxStreams(10).maxConsumers(1000)
 *     .user("orders-app", bcryptHash, Role.APPLICATION)
 *     .user("orders-admin", bcryptHash2, Role.PROVISIONING)
 *     .build();
 * }</pre>
 *
 * <p>The account is named like the namespace. Immutable and thread-safe.
 */
public final class NamespaceAccount {

  static final Pattern USER = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  /**
   * One user of the account.
   *
   * @param name the user name
   * @param password the password or its bcrypt hash
   * @param role what the user may do
   */
  public record User(String name, String password, Role role) {
    /**
     * Validates the user.
     *
     * @throws IllegalArgumentException if the name is not 1 to 64 ASCII letters, digits, '_', '.'
     *     or '-', or the password is empty or contains a quote, backslash or control character
     */
    public User {
      Objects.requireNonNull(name, "user name");
      Objects.requireNonNull(password, "password");
      Objects.requireNonNull(role, "role");
      if (!USER.matcher(name).matches()) {
        throw new IllegalArgumentException("user name '" + name + "' must be 1 to 64 ASCII"
            + " letters, digits, '_', '.' or '-'");
      }
      if (password.isEmpty()) {
        throw new IllegalArgumentException("password of user '" + name + "' must not be empty");
      }
      for (int i = 0; i < password.length(); i++) {
        char c = password.charAt(i);
        if (c < 0x21 || c == '"' || c == '\\' || c == '\'' || c > 0x7e) {
          throw new IllegalArgumentException("password of user '" + name + "' contains a"
              + " character (at index " + i + ") that is not printable ASCII or is a quote or"
              + " backslash; use a bcrypt hash (nats server passwd)");
        }
      }
    }

    @Override
    public String toString() {
      return "User[" + name + ", " + role + "]";
    }
  }

  private final NamespaceResources resources;
  private final long maxStorage;
  private final long maxMemory;
  private final long maxStreams;
  private final long maxConsumers;
  private final List<User> users;
  private final Set<Namespace> readers;

  private NamespaceAccount(Builder b) {
    this.resources = b.resources;
    this.maxStorage = b.maxStorage;
    this.maxMemory = b.maxMemory;
    this.maxStreams = b.maxStreams;
    this.maxConsumers = b.maxConsumers;
    this.users = List.copyOf(b.users);
    this.readers = Set.copyOf(b.readers);
  }

  /**
   * Returns a builder for a namespace whose cluster is named like it.
   *
   * @param namespace the namespace
   * @return the builder
   */
  public static Builder builder(Namespace namespace) {
    return new Builder(NamespaceResources.of(namespace));
  }

  /**
   * Returns a builder for a namespace's resources (with a cluster name of their own).
   *
   * @param resources the namespace's resources
   * @return the builder
   */
  public static Builder builder(NamespaceResources resources) {
    return new Builder(Objects.requireNonNull(resources, "resources"));
  }

  /**
   * Returns the account's name, the namespace's name.
   *
   * @return the account name
   */
  public String accountName() {
    return resources.namespace().name();
  }

  /**
   * Returns the namespace's resources.
   *
   * @return the resources
   */
  public NamespaceResources resources() {
    return resources;
  }

  /**
   * Returns the file storage limit in bytes, -1 for none.
   *
   * @return the limit
   */
  public long maxStorage() {
    return maxStorage;
  }

  /**
   * Returns the memory storage limit in bytes, -1 for none.
   *
   * @return the limit
   */
  public long maxMemory() {
    return maxMemory;
  }

  /**
   * Returns the stream limit, -1 for none.
   *
   * @return the limit
   */
  public long maxStreams() {
    return maxStreams;
  }

  /**
   * Returns the consumer limit, -1 for none.
   *
   * @return the limit
   */
  public long maxConsumers() {
    return maxConsumers;
  }

  /**
   * Returns the users, in the order they were added.
   *
   * @return the users
   */
  public List<User> users() {
    return users;
  }

  /**
   * Returns the namespaces that may read this namespace's stored events (on its bus subjects,
   * where the event stream republishes them), read-only.
   *
   * @return the readers
   */
  public Set<Namespace> readers() {
    return readers;
  }

  @Override
  public String toString() {
    return "NamespaceAccount[" + accountName() + ", users " + users + "]";
  }

  /** Builds a {@link NamespaceAccount}. Not thread-safe; each input is checked when set. */
  public static final class Builder {
    private final NamespaceResources resources;
    private long maxStorage = -1;
    private long maxMemory = -1;
    private long maxStreams = -1;
    private long maxConsumers = -1;
    private final List<User> users = new ArrayList<>();
    private final Set<Namespace> readers = new LinkedHashSet<>();

    private Builder(NamespaceResources resources) {
      this.resources = resources;
    }

    /**
     * Sets the account's file storage limit. Default: none.
     *
     * @param bytes a positive number of bytes, or -1 for none
     * @return this builder
     * @throws IllegalArgumentException if not positive and not -1
     */
    public Builder maxStorage(long bytes) {
      this.maxStorage = limit("maxStorage", bytes);
      return this;
    }

    /**
     * Sets the account's memory storage limit. Default: none.
     *
     * @param bytes a non-negative number of bytes (0: no memory streams), or -1 for none
     * @return this builder
     * @throws IllegalArgumentException if negative and not -1
     */
    public Builder maxMemory(long bytes) {
      this.maxMemory = bytes == 0 ? 0 : limit("maxMemory", bytes);
      return this;
    }

    /**
     * Sets how many streams the account may have (Aether needs 4 per namespace plus one per
     * KV bucket a product adds). Default: none.
     *
     * @param streams a positive number, or -1 for none
     * @return this builder
     * @throws IllegalArgumentException if not positive and not -1
     */
    public Builder maxStreams(long streams) {
      this.maxStreams = limit("maxStreams", streams);
      return this;
    }

    /**
     * Sets how many consumers the account may have. Default: none.
     *
     * @param consumers a positive number, or -1 for none
     * @return this builder
     * @throws IllegalArgumentException if not positive and not -1
     */
    public Builder maxConsumers(long consumers) {
      this.maxConsumers = limit("maxConsumers", consumers);
      return this;
    }

    /**
     * Adds a user.
     *
     * @param name 1 to 64 ASCII letters, digits, {@code '_'}, {@code '.'} or {@code '-'}
     * @param password the password, or a bcrypt hash ({@code nats server passwd})
     * @param role what the user may do
     * @return this builder
     * @throws IllegalArgumentException if the name or password is invalid, or the name was already
     *     added
     */
    public Builder user(String name, String password, Role role) {
      User user = new User(name, password, role);
      for (User u : users) {
        if (u.name().equals(name)) {
          throw new IllegalArgumentException("user '" + name + "' was already added to namespace "
              + resources.namespace().name());
        }
      }
      users.add(user);
      return this;
    }

    /**
     * Lets another namespace read this namespace's stored events, read-only: in account mode the
     * account exports its bus subjects (where its event stream republishes every stored event) to
     * that namespace's account, which imports them. The reader can subscribe to them and cannot
     * publish into this namespace.
     *
     * @param reader the namespace that may read
     * @return this builder
     * @throws IllegalArgumentException if the reader is this namespace
     */
    public Builder readableBy(Namespace reader) {
      Objects.requireNonNull(reader, "reader");
      if (reader.equals(resources.namespace())) {
        throw new IllegalArgumentException("namespace " + reader.name()
            + " cannot export its events to itself");
      }
      readers.add(reader);
      return this;
    }

    /**
     * Builds the account.
     *
     * @return the account
     * @throws IllegalStateException if no user was added
     */
    public NamespaceAccount build() {
      if (users.isEmpty()) {
        throw new IllegalStateException("namespace " + resources.namespace().name()
            + " has no user; add one with user(name, password, role)");
      }
      return new NamespaceAccount(this);
    }

    private static long limit(String what, long value) {
      if (value != -1 && value <= 0) {
        throw new IllegalArgumentException(what + " must be positive or -1 (no limit), not "
            + value);
      }
      return value;
    }
  }
}
